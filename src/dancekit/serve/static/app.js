// The dancekit page: make a dance or open a motion, then watch one, or several side by side,
// in 3D, all driven by one music clock; start a blind A/B test of two of them.
import { Clock, animate, api, enableControls, panels, postJSON, wireControls } from "/static/viewer.js";

const $ = (id) => document.getElementById(id);
// At most this many dances side by side (each is a WebGL context of its own).
const MAX_COMPARE = 4;
let options = null;
let songId = "demo";
const clock = new Clock($("audio"));
const made = [];    // every finished job of this page, in order
let stages = [];    // [{stage, data}] on show

function say(text, isError = false, where = "status") {
  $(where).textContent = text;
  $(where).className = isError ? "note error" : "note";
}

function fillStyles() {
  const model = options.models.find((m) => m.name === $("model").value);
  $("style").replaceChildren(...["auto", "none", ...model.styles].map((s) => new Option(s, s)));
}

async function init() {
  options = await api("/api/options");
  $("model").replaceChildren(...options.models.map((m) => new Option(m.name, m.name)));
  $("model").value = options.default_model;
  $("seed").max = options.max_seed;
  $("demo-name").textContent = options.demo.name;
  fillStyles();
  $("model").addEventListener("change", fillStyles);
  $("file").addEventListener("change", upload);
  $("make").addEventListener("submit", (e) => { e.preventDefault(); makeDance(); });
  $("songs").addEventListener("change", (e) => {
    if (e.target.name === "source") songId = e.target.value === "upload" ? ($("file").dataset.song || "") : e.target.value;
  });
  $("motion-file").addEventListener("change", openUpload);
  $("open-entry").addEventListener("click", openEntry);
  $("compare").addEventListener("click", () => show(checked()));
  $("blind").addEventListener("click", blindTest);
  const { entries } = await api("/api/library");
  $("entries").replaceChildren(...entries.map((e) =>
    new Option(e.music ? `${e.name} (with music)` : e.name, e.id)));
  $("library").hidden = entries.length === 0;
  const tick = wireControls(clock, $);
  $("look").addEventListener("change", () => stages.forEach((s) => s.data && s.stage.load(s.data, $("look").value)));
  show([]);
  animate(clock, () => stages, tick);
}

async function upload() {
  const file = $("file").files[0];
  if (!file) return;
  document.querySelector("input[value=upload]").checked = true;
  songId = "";
  if (file.size > options.max_upload_mb * 1048576) {
    say(`too large: at most ${options.max_upload_mb} MB`, true, "song-note");
    return;
  }
  say("uploading...", false, "song-note");
  try {
    const song = await api("/api/songs", { method: "POST", body: file,
      headers: { "X-Filename": encodeURIComponent(file.name) } });
    songId = $("file").dataset.song = song.id;
    say(`${song.name} (${Math.round(song.seconds || 0)} s)`, false, "song-note");
  } catch (err) {
    say(err.message, true, "song-note");
  }
}

// Wait for a job (a dance being made or a file being read), saying where it stands.
async function follow(job) {
  while (job.state === "waiting" || job.state === "running") {
    say(job.state === "waiting" ? `waiting: ${job.ahead} ahead of yours` : `${job.stage || "starting"}...`);
    await new Promise((r) => setTimeout(r, 400));
    job = await api(`/api/jobs/${job.id}`);
  }
  if (job.state === "failed") throw new Error(job.error);
  say(`${job.label}: ${job.seconds.toFixed(1)} s`);
  remember(job);
  await show([job]);
}

async function run(button, start) {
  button.disabled = true;
  try {
    await follow(await start());
  } catch (err) {
    say(err.message, true);
  } finally {
    button.disabled = false;
  }
}

function makeDance() {
  if (!songId) { say("choose a song first", true); return; }
  const seconds = $("seconds").value ? Number($("seconds").value) : null;
  const body = { song: songId, model: $("model").value, style: $("style").value,
    seed: Number($("seed").value || 0), seconds };
  return run($("go"), () => postJSON("/api/jobs", body));
}

function openUpload() {
  const file = $("motion-file").files[0];
  if (!file) return;
  return run($("open-entry"), () => api("/api/motions", { method: "POST", body: file,
    headers: { "X-Filename": encodeURIComponent(file.name) } }));
}

function openEntry() {
  return run($("open-entry"), () => postJSON("/api/library/open", { entry: $("entries").value }));
}

// A finished job joins the list of dances (to show again, compare, download), and its music
// (a real sequence's own song) becomes a song to dance to.
function remember(job) {
  made.push(job);
  const row = document.createElement("li");
  const box = Object.assign(document.createElement("input"), { type: "checkbox", value: job.id });
  const name = Object.assign(document.createElement("button"), { type: "button", className: "link",
    textContent: `${job.label} (${job.seconds.toFixed(1)} s)` });
  name.addEventListener("click", () => show([job]));
  row.append(box, name);
  $("made").append(row);
  $("made-box").hidden = false;
  if (job.song_id && !document.querySelector(`input[name=source][value="${job.song_id}"]`)) {
    const label = document.createElement("label");
    label.append(Object.assign(document.createElement("input"), { type: "radio", name: "source", value: job.song_id }),
      ` ${job.song}`);
    $("song-note").before(label);
  }
}

function checked() {
  const ids = [...document.querySelectorAll("#made input:checked")].map((b) => b.value);
  return made.filter((j) => ids.includes(j.id));
}

// Show `jobs` (one, or up to MAX_COMPARE side by side) on the one clock, with the music of
// the first that has any.
async function show(jobs) {
  if (jobs.length > MAX_COMPARE) { say(`compare at most ${MAX_COMPARE} dances at once`, true); return; }
  const datas = await Promise.all(jobs.map((j) => api(`/api/jobs/${j.id}/motion`)));
  const titles = jobs.length > 1 ? jobs.map((j) => j.label) : [];
  stages = panels($("view"), stages, datas.length ? datas : [null], titles, $("look").value);
  if (!jobs.length) return;
  const music = jobs.find((j) => j.audio);
  clock.music(music && music.audio);
  const songs = new Set(jobs.map((j) => j.song_id).filter(Boolean));
  $("music-note").textContent = jobs.length > 1 ? (music ? `music: ${music.song}` + (songs.size > 1
    ? " (the dances were made to different songs)" : "") : "no music") : "";
  enableControls(clock, Math.max(...datas.map((d) => d.frames / d.fps)), $);
  $("downloads").replaceChildren(...(jobs.length === 1 ? Object.entries(jobs[0].downloads) : []).map(([fmt, url]) => {
    const a = document.createElement("a");
    a.href = url; a.textContent = fmt.toUpperCase(); a.download = "";
    return a;
  }));
}

// Two checked dances to one song become a blind A/B trial, opened in a new tab.
async function blindTest() {
  const pair = checked();
  try {
    if (pair.length !== 2) throw new Error("check exactly two dances for a blind A/B test");
    const trial = await postJSON("/api/trials", { dances: pair.map((j) => j.id) });
    window.open(`/ab#${trial.id}`, "_blank");
  } catch (err) {
    say(err.message, true);
  }
}

init().catch((err) => say(err.message, true));
