/**
 * The Playground: chat with any model this user may use, through the hub's OpenAI-compatible gateway and with
 * the session cookie, so it is metered, charged and audited like any API call. Replies stream; the stop button
 * ends one early (the hub stops the upstream call and charges what was produced).
 */
import AutoAwesomeOutlinedIcon from '@mui/icons-material/AutoAwesomeOutlined';
import DeleteSweepOutlinedIcon from '@mui/icons-material/DeleteSweepOutlined';
import SendIcon from '@mui/icons-material/Send';
import StopCircleOutlinedIcon from '@mui/icons-material/StopCircleOutlined';
import {
  Alert,
  AlertTitle,
  Avatar,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  IconButton,
  ListItemText,
  MenuItem,
  Slider,
  Stack,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link as RouterLink } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-state';
import { VisuallyHidden } from '../../components/visually-hidden';
import { formatCredits, formatInteger } from '../../lib/format';
import { explainGatewayError, GatewayError, listModels, streamChat, type ChatUsage } from '../../lib/gateway';
import { perMillionTokens, replyCredits } from '../../lib/pricing';
import { reportSessionEnded } from '../../lib/session-events';
import { trpc } from '../../lib/trpc';
import { useMe } from '../auth/session';
import { isAdminRole } from '../layout/nav-items';
import { chatModelOptions, type ChatModelOption } from './chat-models';
import { requestMessages, type AssistantTurn, type Turn } from './conversation';

let turnCounter = 0;
const nextId = () => `turn-${(turnCounter += 1)}`;

function priceLabel(option: ChatModelOption): string {
  const input = formatCredits(perMillionTokens(option.rate.inputRate));
  const output = formatCredits(perMillionTokens(option.rate.outputRate));
  return `${input} in · ${output} out credits per 1M tokens`;
}

function UsageLine({ turn }: { turn: AssistantTurn }) {
  const parts: string[] = [turn.model];
  const usage: ChatUsage | null = turn.usage;
  if (usage) {
    parts.push(
      `${formatInteger(usage.promptTokens)} in · ${formatInteger(usage.completionTokens)} out tokens`,
    );
  }
  if (turn.credits !== null) parts.push(`${formatCredits(turn.credits)} credits`);
  return (
    <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mt: 0.75, flexWrap: 'wrap' }}>
      <Typography variant="caption" sx={{ color: 'text.secondary' }} data-testid="reply-usage">
        {parts.join(' · ')}
      </Typography>
      {turn.status === 'stopped' && <Chip size="small" label="Stopped" variant="outlined" />}
    </Stack>
  );
}

function TurnView({ turn }: { turn: Turn }) {
  if (turn.role === 'user') {
    return (
      <Box sx={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Box
          sx={{
            bgcolor: 'primary.main',
            color: 'primary.contrastText',
            px: 2,
            py: 1.25,
            borderRadius: 3,
            borderTopRightRadius: 6,
            maxWidth: '80%',
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-word',
          }}
        >
          <VisuallyHidden>You: </VisuallyHidden>
          {turn.content}
        </Box>
      </Box>
    );
  }
  return (
    <Stack direction="row" sx={{ gap: 1.5, alignItems: 'flex-start' }}>
      <Avatar sx={{ bgcolor: 'secondary.main', width: 32, height: 32 }} aria-hidden>
        <AutoAwesomeOutlinedIcon fontSize="small" />
      </Avatar>
      <Box sx={{ minWidth: 0, flexGrow: 1, maxWidth: '85%' }}>
        {turn.status === 'error' && turn.error ? (
          <Alert severity="error" sx={{ mt: 0.5 }}>
            <AlertTitle>{turn.error.title}</AlertTitle>
            {turn.error.message}
            {turn.error.hint && <Box sx={{ mt: 0.5 }}>{turn.error.hint}</Box>}
          </Alert>
        ) : (
          <Box
            data-testid="assistant-reply"
            sx={{
              bgcolor: '#f1f3fb',
              px: 2,
              py: 1.25,
              borderRadius: 3,
              borderTopLeftRadius: 6,
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-word',
              minHeight: 40,
            }}
          >
            <VisuallyHidden>Assistant: </VisuallyHidden>
            {turn.content}
            {turn.status === 'streaming' && (
              <Box
                component="span"
                aria-hidden
                sx={{
                  display: 'inline-block',
                  width: 8,
                  height: 16,
                  ml: 0.5,
                  bgcolor: 'text.secondary',
                  verticalAlign: 'text-bottom',
                  animation: 'blink 1s steps(2) infinite',
                  '@keyframes blink': { '50%': { opacity: 0 } },
                }}
              />
            )}
          </Box>
        )}
        {turn.status !== 'streaming' && turn.status !== 'error' && <UsageLine turn={turn} />}
      </Box>
    </Stack>
  );
}

export function PlaygroundPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const models = useQuery({ queryKey: ['gateway', 'models'], queryFn: () => listModels() });
  const rates = useQuery(trpc.modelRates.list.queryOptions({ type: 'chat', enabled: true }));
  const [modelId, setModelId] = useState('');
  const [systemPrompt, setSystemPrompt] = useState('');
  const [temperature, setTemperature] = useState(0.7);
  const [draft, setDraft] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const logEnd = useRef<HTMLDivElement | null>(null);
  const temperatureLabel = useId();

  const options = models.data && rates.data ? chatModelOptions(models.data, rates.data) : [];
  const selected = options.find((option) => option.id === modelId) ?? options[0] ?? null;

  useEffect(() => {
    if (models.error instanceof GatewayError && models.error.status === 401) reportSessionEnded();
  }, [models.error]);

  useEffect(() => {
    logEnd.current?.scrollIntoView({ block: 'nearest' });
  }, [turns]);

  // Leaving the page stops a reply in progress.
  useEffect(() => () => abort.current?.abort(), []);

  const update = (id: string, change: Partial<AssistantTurn>) =>
    setTurns((all) =>
      all.map((turn) => (turn.id === id && turn.role === 'assistant' ? { ...turn, ...change } : turn)),
    );

  const send = async () => {
    const text = draft.trim();
    if (!text || !selected || streaming) return;
    const messages = requestMessages(systemPrompt, turns, text);
    const replyId = nextId();
    setTurns((all) => [
      ...all,
      { id: nextId(), role: 'user', content: text },
      {
        id: replyId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        model: selected.id,
        usage: null,
        credits: null,
        error: null,
      },
    ]);
    setDraft('');
    setStreaming(true);
    const controller = new AbortController();
    abort.current = controller;
    try {
      const result = await streamChat(
        { model: selected.id, messages, temperature },
        { signal: controller.signal, onText: (content) => update(replyId, { content }) },
      );
      update(replyId, {
        content: result.text,
        status: result.stopped ? 'stopped' : 'done',
        usage: result.usage,
        credits: result.usage ? replyCredits(selected.rate, result.usage) : null,
      });
    } catch (error) {
      const failure =
        error instanceof GatewayError ? error : new GatewayError(500, 'api_error', 'client', String(error));
      if (failure.status === 401) reportSessionEnded();
      update(replyId, { status: 'error', error: explainGatewayError(failure) });
    } finally {
      abort.current = null;
      setStreaming(false);
      // The charge is committed before the stream ends: the balance shown is the one after this reply.
      void queryClient.invalidateQueries({ queryKey: trpc.me.pathKey() });
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  const loading = models.isPending || rates.isPending;
  const loadError = models.error ?? rates.error;

  const settings = (
    <Card sx={{ width: { xs: '100%', lg: 340 }, flexShrink: 0, alignSelf: 'flex-start' }}>
      <CardContent>
        <Stack sx={{ gap: 2.5 }}>
          <Typography variant="h6" component="h2">
            Settings
          </Typography>
          <TextField
            select
            label="Model"
            value={selected?.id ?? ''}
            onChange={(event) => setModelId(event.target.value)}
            disabled={options.length === 0}
            helperText={selected ? priceLabel(selected) : 'No model available'}
            slotProps={{ select: { renderValue: (value) => String(value) } }}
          >
            {options.map((option) => (
              <MenuItem key={option.id} value={option.id}>
                <ListItemText
                  primary={option.id}
                  secondary={priceLabel(option)}
                  slotProps={{ secondary: { sx: { fontSize: 12 } } }}
                />
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label="System prompt"
            placeholder="You are a helpful assistant."
            value={systemPrompt}
            onChange={(event) => setSystemPrompt(event.target.value)}
            multiline
            minRows={3}
            maxRows={8}
          />
          <Box>
            <Stack direction="row" sx={{ justifyContent: 'space-between' }}>
              <Typography id={temperatureLabel} variant="body2" sx={{ fontWeight: 600 }}>
                Temperature
              </Typography>
              <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                {temperature.toFixed(1)}
              </Typography>
            </Stack>
            <Slider
              value={temperature}
              min={0}
              max={2}
              step={0.1}
              onChange={(_event, value) => setTemperature(value)}
              aria-labelledby={temperatureLabel}
              valueLabelDisplay="auto"
            />
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              Lower is more focused, higher more varied.
            </Typography>
          </Box>
          <Button
            variant="outlined"
            startIcon={<DeleteSweepOutlinedIcon />}
            onClick={() => setTurns([])}
            disabled={turns.length === 0 || streaming}
          >
            Clear conversation
          </Button>
        </Stack>
      </CardContent>
    </Card>
  );

  return (
    <>
      <PageHeader
        title="Playground"
        description="Chat with the models you may use. Replies stream through the hub and are charged to your credits."
      />
      {loading ? (
        <LoadingState label="Loading models…" />
      ) : loadError ? (
        <ErrorState
          error={loadError}
          title="The models could not be loaded"
          onRetry={() => {
            void models.refetch();
            void rates.refetch();
          }}
        />
      ) : options.length === 0 ? (
        <Card>
          <EmptyState
            icon={<AutoAwesomeOutlinedIcon />}
            title="No models are available to you yet"
            description={
              isAdminRole(me.role)
                ? 'Add a provider with a credential, then give its models a rate: rated models of enabled providers appear here.'
                : 'An admin of this hub has to add a provider and rate its models first.'
            }
            action={
              isAdminRole(me.role) && (
                <Button variant="contained" component={RouterLink} to="/admin/providers">
                  Set up a provider
                </Button>
              )
            }
          />
        </Card>
      ) : (
        <Stack direction={{ xs: 'column', lg: 'row' }} sx={{ gap: 3, alignItems: 'stretch' }}>
          <Card sx={{ flexGrow: 1, minWidth: 0, display: 'flex', flexDirection: 'column', minHeight: 520 }}>
            <Box
              role="log"
              aria-live="polite"
              aria-label="Conversation"
              sx={{ flexGrow: 1, overflowY: 'auto', p: { xs: 2, sm: 3 }, maxHeight: '62vh' }}
            >
              {turns.length === 0 ? (
                <EmptyState
                  icon={<AutoAwesomeOutlinedIcon />}
                  title="Start a conversation"
                  description={`Ask ${selected?.id ?? 'a model'} anything. Each reply shows its tokens and what it cost.`}
                />
              ) : (
                <Stack sx={{ gap: 2.5 }}>
                  {turns.map((turn) => (
                    <TurnView key={turn.id} turn={turn} />
                  ))}
                  <div ref={logEnd} />
                </Stack>
              )}
            </Box>
            <Box sx={{ borderTop: '1px solid', borderColor: 'divider', p: 2 }}>
              <Stack direction="row" sx={{ gap: 1, alignItems: 'flex-end' }}>
                <TextField
                  label="Message"
                  placeholder="Type a message. Enter sends, Shift+Enter adds a line."
                  value={draft}
                  onChange={(event) => setDraft(event.target.value)}
                  onKeyDown={onKeyDown}
                  multiline
                  maxRows={6}
                  disabled={streaming}
                />
                {streaming ? (
                  <Tooltip title="Stop the reply">
                    <IconButton
                      color="error"
                      onClick={() => abort.current?.abort()}
                      aria-label="Stop"
                      sx={{ mb: 0.5 }}
                    >
                      <StopCircleOutlinedIcon fontSize="large" />
                    </IconButton>
                  </Tooltip>
                ) : (
                  <Tooltip title="Send (Enter)">
                    <span>
                      <IconButton
                        color="primary"
                        onClick={() => void send()}
                        disabled={draft.trim() === ''}
                        aria-label="Send"
                        sx={{ mb: 0.5 }}
                      >
                        <SendIcon fontSize="large" />
                      </IconButton>
                    </span>
                  </Tooltip>
                )}
              </Stack>
              <Typography variant="caption" sx={{ color: 'text.secondary', display: 'block', mt: 1 }}>
                Your balance: {formatCredits(me.credits)} credits
              </Typography>
            </Box>
          </Card>
          {settings}
        </Stack>
      )}
    </>
  );
}
