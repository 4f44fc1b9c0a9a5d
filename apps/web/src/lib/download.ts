/** Saves text as a file through the browser's download (nothing is uploaded anywhere). */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The browser fetches the blob asynchronously; keep the URL alive long enough for it to start.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
