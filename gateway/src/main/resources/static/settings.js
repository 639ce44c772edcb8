// Session settings the user chooses in the page: the voice, turn detection and the transcription
// language. Kept per user in localStorage and sent as GA session.update fields under session.audio
// (the only part of these the gateway's client-event policy needs to allow).

export const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];
export const EAGERNESS = ['auto', 'low', 'medium', 'high'];
export const LANGUAGES = [
  ['auto', 'Detect automatically'], ['en', 'English'], ['fr', 'French'], ['de', 'German'], ['es', 'Spanish'],
  ['it', 'Italian'], ['pt', 'Portuguese'], ['nl', 'Dutch'],
];
export const TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';

const DEFAULTS = { voice: 'marin', turnDetection: 'server_vad', eagerness: 'auto', language: 'auto' };

export function loadSettings(key) {
  try {
    const stored = JSON.parse(localStorage.getItem(key) || 'null') || {};
    const s = { ...DEFAULTS, ...stored };
    if (!VOICES.includes(s.voice)) s.voice = DEFAULTS.voice;
    if (!['server_vad', 'semantic_vad'].includes(s.turnDetection)) s.turnDetection = DEFAULTS.turnDetection;
    if (!EAGERNESS.includes(s.eagerness)) s.eagerness = DEFAULTS.eagerness;
    if (!LANGUAGES.some(([code]) => code === s.language)) s.language = DEFAULTS.language;
    return s;
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveSettings(key, settings) {
  try { localStorage.setItem(key, JSON.stringify(settings)); } catch { /* not kept: still applied */ }
}

export function turnDetection(s) {
  return s.turnDetection === 'semantic_vad' ? { type: 'semantic_vad', eagerness: s.eagerness } : { type: 'server_vad' };
}

export function transcription(s) {
  return s.language === 'auto' ? { model: TRANSCRIPTION_MODEL } : { model: TRANSCRIPTION_MODEL, language: s.language };
}

/** The session part of a session.update for the settings named in `which` (all of them on connect). */
export function sessionFields(s, which = ['voice', 'turnDetection', 'language']) {
  const input = {};
  const output = {};
  if (which.includes('turnDetection')) input.turn_detection = turnDetection(s);
  if (which.includes('language')) input.transcription = transcription(s);
  if (which.includes('voice')) output.voice = s.voice;
  const audio = {};
  if (Object.keys(input).length) audio.input = input;
  if (Object.keys(output).length) audio.output = output;
  return { type: 'realtime', audio };
}

/** Fills the settings form from `s`; the eagerness only applies to semantic VAD. */
export function showSettings(form, s) {
  form.voice.value = s.voice;
  form.turnDetection.value = s.turnDetection;
  form.eagerness.value = s.eagerness;
  form.language.value = s.language;
  form.eagerness.disabled = s.turnDetection !== 'semantic_vad';
}

export function fillOptions(form) {
  const option = (value, label) => Object.assign(document.createElement('option'), { value, textContent: label });
  form.voice.replaceChildren(...VOICES.map((v) => option(v, v[0].toUpperCase() + v.slice(1))));
  form.eagerness.replaceChildren(...EAGERNESS.map((e) => option(e, e[0].toUpperCase() + e.slice(1))));
  form.language.replaceChildren(...LANGUAGES.map(([code, name]) => option(code, code === 'auto' ? name : `${name} (${code})`)));
}
