// The dancekit 3D viewer, shared by the pages: a stage (floor, lights with shadows, the dancer
// as capsules or lines) and one music clock that every stage on a page follows, so dances
// shown side by side and their music cannot drift apart.
import * as THREE from "/static/three.min.js";

const LEFT = 0x54acff, RIGHT = 0xff8054, CENTRE = 0xd9dce6;

export async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({ error: `server answered ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `server answered ${response.status}`);
  return body;
}

export function postJSON(path, body) {
  return api(path, { method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" } });
}

export function clockText(s) {
  return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

// The time every stage shows: the <audio> element's while it has a song, else a timer of its
// own (a motion opened without music), with the same play, pause, seek and speed.
export class Clock {
  constructor(audio) {
    this.audio = audio;
    this.silent = { start: 0, offset: 0, playing: false, rate: 1 };
    this.length = 0;
  }
  music(src) {
    this.pause();
    this.seek(0);
    if (src) this.audio.src = src; else this.audio.removeAttribute("src");
    this.audio.load();
  }
  get hasMusic() { return Boolean(this.audio.getAttribute("src")); }
  get paused() { return this.hasMusic ? this.audio.paused : !this.silent.playing; }
  time() {
    if (this.hasMusic) return this.audio.currentTime;
    const s = this.silent;
    const t = s.offset + (s.playing ? (performance.now() - s.start) / 1000 * s.rate : 0);
    if (this.length && t >= this.length) { s.playing = false; s.offset = this.length; }
    return Math.min(t, this.length || t);
  }
  play() {
    if (this.hasMusic) return this.audio.play();
    if (this.length && this.time() >= this.length) this.silent.offset = 0;
    Object.assign(this.silent, { start: performance.now(), playing: true });
    return Promise.resolve();
  }
  pause() {
    this.audio.pause();
    Object.assign(this.silent, { offset: this.time(), playing: false });
  }
  seek(t) {
    if (this.hasMusic) this.audio.currentTime = t;
    Object.assign(this.silent, { offset: t, start: performance.now() });
  }
  speed(rate) {
    this.silent.offset = this.time();
    this.silent.start = performance.now();
    this.silent.rate = rate;
    this.audio.playbackRate = rate;
  }
}

// One 3D stage in `host`, showing one dance (the viewer's data of /api/jobs/{id}/motion).
export class Stage {
  constructor(host) {
    this.host = host;
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
    this.dance = null;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(host);
    this.resize();
  }
  resize() {
    const { clientWidth: w, clientHeight: h } = this.host;
    this.renderer.setSize(w, h);
    this.camera.aspect = w / Math.max(h, 1);
    this.camera.updateProjectionMatrix();
  }
  load(data, look) {
    if (this.dance) this.scene.remove(this.dance.figure.group);
    const figure = look === "sticks" ? sticks(data) : body(data);
    this.scene.add(figure.group);
    this.dance = { data, figure, root: new THREE.Vector3() };
    this.pose(0);
    this.controls.target.copy(this.dance.root).setY(0.9);
  }
  pose(time) {
    const { data, figure } = this.dance;
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
    this.dance.root.set(pts[0].x, 0, pts[0].z);
  }
  draw(time) {
    if (this.dance) {
      const before = this.dance.root.clone();
      this.pose(time);
      const moved = this.dance.root.clone().sub(before);  // the camera travels with the dancer
      this.camera.position.add(moved);
      this.controls.target.add(moved);
      this.sun.position.set(this.dance.root.x + 3, 6, this.dance.root.z + 4);
      this.sun.target.position.copy(this.dance.root);
    }
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
  }
  dispose() {
    this.observer.disconnect();
    this.controls.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.renderer.domElement.remove();
  }
}

const CONTROLS = `<button id="play" type="button" disabled>Play</button>
<input id="scrub" type="range" min="0" max="1" step="0.01" value="0" disabled aria-label="time">
<span id="clock">0:00 / 0:00</span>
<label>speed <select id="speed"><option value="0.25">0.25x</option><option value="0.5">0.5x</option>
<option value="1" selected>1x</option><option value="1.5">1.5x</option><option value="2">2x</option></select></label>
<label>look <select id="look"><option value="body" selected>body</option><option value="sticks">sticks</option></select></label>`;

// Play, pause, scrub, speed, look and the time display for `clock`, made in the page's
// #controls; returns the function that updates them each frame.
export function wireControls(clock, $) {
  $("controls").innerHTML = CONTROLS;
  $("play").addEventListener("click", () => (clock.paused ? clock.play() : clock.pause()));
  $("scrub").addEventListener("input", () => clock.seek(Number($("scrub").value)));
  $("speed").addEventListener("change", () => clock.speed(Number($("speed").value)));
  return () => {
    const t = clock.time();
    $("play").textContent = clock.paused ? "Play" : "Pause";
    if (document.activeElement !== $("scrub")) $("scrub").value = t;
    $("clock").textContent = `${clockText(t)} / ${clockText(clock.length)}`;
  };
}

// Put one stage per dance (`datas`, null for an empty stage) into `view`, replacing `old`
// ones; each titled where `titles` gives one. Returns [{stage, data, panel}].
export function panels(view, old, datas, titles, look) {
  old.forEach((s) => s.stage.dispose());
  view.replaceChildren();
  view.dataset.count = datas.length;
  return datas.map((data, i) => {
    const panel = document.createElement("div");
    panel.className = "panel";
    view.append(panel);
    if (titles[i]) panel.append(Object.assign(document.createElement("span"), { className: "title", textContent: titles[i] }));
    const stage = new Stage(panel);
    if (data) stage.load(data, look);
    return { stage, data, panel };
  });
}

// Draw every stage `current()` returns at the clock's time, each frame, and `tick` the
// controls while a dance is on show.
export function animate(clock, current, tick) {
  const loop = () => {
    const t = clock.time(), shown = current();
    shown.forEach((s) => s.stage.draw(t));
    if (shown.length && shown[0].data) tick();
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

// Ready the controls for dances of `seconds` (the longest one shown).
export function enableControls(clock, seconds, $) {
  clock.length = seconds;
  $("scrub").max = seconds;
  $("scrub").value = 0;
  $("play").disabled = $("scrub").disabled = false;
}

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

