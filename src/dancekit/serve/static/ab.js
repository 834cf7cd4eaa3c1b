// The blind A/B page (/ab#<trial>): two dances to one song side by side on one clock, named
// only A and B until the viewer has chosen; the server keeps the vote and reveals the labels.
import { Clock, animate, api, enableControls, panels, postJSON, wireControls } from "/static/viewer.js";

const $ = (id) => document.getElementById(id);
const clock = new Clock($("audio"));
const sides = ["left", "right"];
let stages = [];

function say(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "note error" : "note";
}

async function load(id) {
  const trial = await api(`/api/trials/${id}`);
  const datas = await Promise.all(sides.map((s) => api(`/api/trials/${id}/motion/${s}`)));
  stages = panels($("view"), stages, datas, ["A", "B"], $("look").value);
  clock.music(trial.audio);
  enableControls(clock, Math.max(...datas.map((d) => d.frames / d.fps)), $);
  $("song").textContent = `song: ${trial.song}`;
  if (trial.voted) reveal(trial); else {
    sides.forEach((s) => ($(s).disabled = false));
    $("again").hidden = true;
    say("watch both, then choose");
  }
}

function reveal(result) {
  sides.forEach((s, i) => {
    $(s).disabled = true;
    stages[i].panel.querySelector(".title").textContent = `${"AB"[i]}: ${result[s]}`;
  });
  say(`you preferred ${result.chosen === "left" ? "A" : "B"}: ${result[result.chosen]}`);
  $("again").hidden = false;
}

async function vote(side) {
  try {
    reveal(await postJSON(`/api/trials/${location.hash.slice(1)}/vote`, { choice: side }));
  } catch (err) {
    say(err.message, true);
  }
}

async function init() {
  const tick = wireControls(clock, $);
  $("look").addEventListener("change", () => stages.forEach((s) => s.stage.load(s.data, $("look").value)));
  sides.forEach((s) => $(s).addEventListener("click", () => vote(s)));
  $("again").addEventListener("click", async () => {
    const next = await postJSON(`/api/trials/${location.hash.slice(1)}/again`, {});
    location.hash = next.id;
  });
  window.addEventListener("hashchange", () => load(location.hash.slice(1)).catch((e) => say(e.message, true)));
  animate(clock, () => stages, tick);
  await load(location.hash.slice(1));
}

init().catch((err) => say(err.message, true));
