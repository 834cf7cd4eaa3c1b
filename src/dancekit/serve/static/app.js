// The dancekit page: ask the server for a dance, then show it in 3D, driven by the song's
// clock (the <audio> element), so picture and music cannot drift apart.
import * as THREE from "/static/three.min.js";

const $ = (id) => document.getElementById(id);
const LEFT = 0x54acff, RIGHT = 0xff8054, CENTRE = 0xd9dce6;
let options = null;
let dance = null;   // {data, figure} of the dance on show
let songId = "demo";

async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({ error: `server answered ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `server answered ${response.status}`);
  return body;
}

function say(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "note error" : "note";
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
  document.querySelectorAll("input[name=source]").forEach((r) => r.addEventListener("change", () => {
    songId = r.value === "demo" ? "demo" : ($("file").dataset.song || "");
  }));
  viewer.start();
}

async function upload() {
  const file = $("file").files[0];
  if (!file) return;
  document.querySelector("input[value=upload]").checked = true;
  songId = "";
  if (file.size > options.max_upload_mb * 1048576) {
    $("song-note").textContent = `too large: at most ${options.max_upload_mb} MB`;
    $("song-note").className = "note error";
    return;
  }
  $("song-note").textContent = "uploading...";
  $("song-note").className = "note";
  try {
    const song = await api("/api/songs", { method: "POST", body: file,
      headers: { "X-Filename": encodeURIComponent(file.name) } });
    songId = $("file").dataset.song = song.id;
    $("song-note").textContent = `${song.name} (${Math.round(song.seconds || 0)} s)`;
  } catch (err) {
    $("song-note").textContent = err.message;
    $("song-note").className = "note error";
  }
}

async function makeDance() {
  if (!songId) { say("choose a song first", true); return; }
  const seconds = $("seconds").value ? Number($("seconds").value) : null;
  const body = { song: songId, model: $("model").value, style: $("style").value,
    seed: Number($("seed").value || 0), seconds };
  $("go").disabled = true;
  try {
    let job = await api("/api/jobs", { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" } });
    while (job.state === "waiting" || job.state === "running") {
      say(job.state === "waiting" ? `waiting: ${job.ahead} dance(s) ahead of yours`
                                  : `${job.stage || "starting"}...`);
      await new Promise((r) => setTimeout(r, 400));
      job = await api(`/api/jobs/${job.id}`);
    }
    if (job.state === "failed") throw new Error(job.error);
    say(`${job.model}, style ${job.style}, seed ${job.seed}: ${job.seconds.toFixed(1)} s`);
    await show(job);
  } catch (err) {
    say(err.message, true);
  } finally {
    $("go").disabled = false;
  }
}

async function show(job) {
  const data = await api(`/api/jobs/${job.id}/motion`);
  const audio = $("audio");
  audio.pause();
  audio.src = job.audio;
  viewer.load(data);
  $("scrub").max = (data.frames - 1) / data.fps;
  $("scrub").value = 0;
  $("play").disabled = $("scrub").disabled = false;
  $("downloads").replaceChildren(...Object.entries(job.downloads).map(([fmt, url]) => {
    const a = document.createElement("a");
    a.href = url; a.textContent = fmt.toUpperCase(); a.download = "";
    return a;
  }));
}

function clock(s) {
  return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

// The 3D view: a floor, lights with shadows, and the dancer as capsules (body) or lines (sticks).
const viewer = {
  start() {
    const host = $("view");
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(window.devicePixelRatio);
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = THREE.PCFShadowMap;
    host.appendChild(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0x1b1f29);
    this.scene.fog = new THREE.Fog(0x1b1f29, 8, 22);
    this.camera = new THREE.PerspectiveCamera(40, 1.6, 0.05, 100);
    this.camera.position.set(2.6, 1.7, 3.6);
    this.controls = new THREE.OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.set(0, 0.9, 0);
    this.controls.enableDamping = true;
    this.scene.add(new THREE.HemisphereLight(0xdfe6ff, 0x30343f, 1.4));
    const sun = new THREE.DirectionalLight(0xffffff, 2.2);
    sun.position.set(3, 6, 4);
    sun.castShadow = true;
    sun.shadow.mapSize.set(2048, 2048);
    Object.assign(sun.shadow.camera, { left: -4, right: 4, top: 4, bottom: -4 });
    this.sun = sun;
    this.scene.add(sun, sun.target);
    this.scene.add(floor());
    new ResizeObserver(() => this.resize()).observe(host);
    this.resize();
    this.wire();
    this.renderer.setAnimationLoop(() => this.draw());
  },
  resize() {
    const { clientWidth: w, clientHeight: h } = $("view");
    this.renderer.setSize(w, h);
    this.camera.aspect = w / Math.max(h, 1);
    this.camera.updateProjectionMatrix();
  },
  wire() {
    const audio = $("audio");
    $("play").addEventListener("click", () => (audio.paused ? audio.play() : audio.pause()));
    audio.addEventListener("play", () => ($("play").textContent = "Pause"));
    audio.addEventListener("pause", () => ($("play").textContent = "Play"));
    $("scrub").addEventListener("input", () => (audio.currentTime = Number($("scrub").value)));
    $("speed").addEventListener("change", () => (audio.playbackRate = Number($("speed").value)));
    $("look").addEventListener("change", () => dance && this.load(dance.data));
  },
  load(data) {
    if (dance) this.scene.remove(dance.figure.group);
    const figure = $("look").value === "body" ? body(data) : sticks(data);
    this.scene.add(figure.group);
    dance = { data, figure, root: new THREE.Vector3() };
    this.pose(0);
    this.controls.target.copy(dance.root).setY(0.9);
  },
  pose(time) {
    const { data, figure } = dance;
    const f = Math.min(Math.max(time * data.fps, 0), data.frames - 1);
    const a = Math.floor(f), b = Math.min(a + 1, data.frames - 1), w = f - a;
    const J = data.joints.length, p = data.positions_mm, pts = [];
    for (let j = 0; j < J; j++) {
      const v = new THREE.Vector3();
      for (let k = 0; k < 3; k++) {
        v.setComponent(k, (p[(a * J + j) * 3 + k] * (1 - w) + p[(b * J + j) * 3 + k] * w) / 1000);
      }
      pts.push(v);
    }
    figure.update(pts);
    dance.root.set(pts[0].x, 0, pts[0].z);
  },
  draw() {
    if (dance) {
      const audio = $("audio"), before = dance.root.clone();
      this.pose(audio.currentTime);
      const moved = dance.root.clone().sub(before);  // the camera travels with the dancer
      this.camera.position.add(moved);
      this.controls.target.add(moved);
      this.sun.position.set(dance.root.x + 3, 6, dance.root.z + 4);
      this.sun.target.position.copy(dance.root);
      if (document.activeElement !== $("scrub")) $("scrub").value = audio.currentTime;
      $("clock").textContent = `${clock(audio.currentTime)} / ${clock(dance.data.frames / dance.data.fps)}`;
    }
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
  },
};

// The floor with a grid of 1 m squares painted by its own shader from the world position:
// GL lines (GridHelper) vanish on some renderers where a line reaches behind the camera, and
// painted lines are lit and shaded like the floor they lie on.
function floor() {
  const material = new THREE.MeshStandardMaterial({ color: 0x2a303d, roughness: 0.95 });
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = shader.vertexShader
      .replace("#include <common>", "#include <common>\nvarying vec2 vFloor;")
      .replace("#include <begin_vertex>",
        "#include <begin_vertex>\nvFloor = (modelMatrix * vec4(transformed, 1.0)).xz;");
    shader.fragmentShader = shader.fragmentShader
      .replace("#include <common>", "#include <common>\nvarying vec2 vFloor;")
      .replace("#include <color_fragment>", `#include <color_fragment>
        vec2 cell = abs(fract(vFloor + 0.5) - 0.5) / fwidth(vFloor);
        float line = 1.0 - clamp(min(cell.x, cell.y) - 0.5, 0.0, 1.0);
        vec2 axis = abs(vFloor) / fwidth(vFloor);
        float centre = 1.0 - clamp(min(axis.x, axis.y) - 0.5, 0.0, 1.0);
        diffuseColor.rgb = mix(diffuseColor.rgb, vec3(0.11, 0.13, 0.18), line);
        diffuseColor.rgb = mix(diffuseColor.rgb, vec3(0.2, 0.24, 0.33), centre);`);
  };
  const mesh = new THREE.Mesh(new THREE.PlaneGeometry(60, 60), material);
  mesh.rotation.x = -Math.PI / 2;
  mesh.receiveShadow = true;
  return mesh;
}

function colour(side) {
  return side < 0 ? LEFT : side > 0 ? RIGHT : CENTRE;
}

function boneSide(data, [a, b]) {
  const sa = data.sides[a], sb = data.sides[b];
  return sa * sb < 0 ? 0 : sb !== 0 ? sb : sa;
}

// Capsules: a unit cylinder stretched along each bone, with a ball of the same radius at both
// ends, and a ball for the head.
function body(data) {
  const group = new THREE.Group();
  const cylinder = new THREE.CylinderGeometry(1, 1, 1, 20, 1, true);
  const ball = new THREE.SphereGeometry(1, 20, 14);
  const materials = new Map();
  const material = (side) => {
    if (!materials.has(side)) {
      materials.set(side, new THREE.MeshStandardMaterial({ color: colour(side), roughness: 0.55, metalness: 0.05 }));
    }
    return materials.get(side);
  };
  const mesh = (geometry, side) => {
    const m = new THREE.Mesh(geometry, material(side));
    m.castShadow = true;
    group.add(m);
    return m;
  };
  const parts = data.bones.map((bone, i) => {
    const side = boneSide(data, bone), r = data.radii_m[i];
    const tube = mesh(cylinder, side), ends = [mesh(ball, side), mesh(ball, side)];
    ends.forEach((e) => e.scale.setScalar(r));
    return { bone, r, tube, ends };
  });
  const head = data.head >= 0 ? mesh(ball, 0) : null;
  if (head) head.scale.setScalar(data.head_radius_m);
  const up = new THREE.Vector3(0, 1, 0), dir = new THREE.Vector3();
  return {
    group,
    update(pts) {
      for (const { bone: [a, b], r, tube, ends } of parts) {
        dir.subVectors(pts[b], pts[a]);
        const length = dir.length();
        tube.position.addVectors(pts[a], pts[b]).multiplyScalar(0.5);
        tube.scale.set(r, Math.max(length, 1e-4), r);
        if (length > 1e-6) tube.quaternion.setFromUnitVectors(up, dir.divideScalar(length));
        ends[0].position.copy(pts[a]);
        ends[1].position.copy(pts[b]);
      }
      if (head) head.position.copy(pts[data.head]).add(new THREE.Vector3(0, data.head_radius_m * 0.6, 0));
    },
  };
}

// Sticks: one line per bone, coloured by side, as `dancekit render` draws by default.
function sticks(data) {
  const geometry = new THREE.BufferGeometry();
  const position = new THREE.Float32BufferAttribute(new Float32Array(data.bones.length * 6), 3);
  const colours = [];
  for (const bone of data.bones) {
    const c = new THREE.Color(colour(boneSide(data, bone)));
    colours.push(c.r, c.g, c.b, c.r, c.g, c.b);
  }
  geometry.setAttribute("position", position);
  geometry.setAttribute("color", new THREE.Float32BufferAttribute(colours, 3));
  const lines = new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ vertexColors: true }));
  const group = new THREE.Group();
  group.add(lines);
  return {
    group,
    update(pts) {
      data.bones.forEach(([a, b], i) => {
        position.setXYZ(2 * i, pts[a].x, pts[a].y, pts[a].z);
        position.setXYZ(2 * i + 1, pts[b].x, pts[b].y, pts[b].z);
      });
      position.needsUpdate = true;
      geometry.computeBoundingSphere();
    },
  };
}

init().catch((err) => say(err.message, true));
