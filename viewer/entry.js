// The parts of three.js the dancekit viewer uses; build.sh bundles them into
// src/dancekit/serve/static/three.min.js so the page works offline.
export {
  AmbientLight, BoxGeometry, CapsuleGeometry, Color, CylinderGeometry, DirectionalLight,
  Fog, GridHelper, Group, HemisphereLight, LineBasicMaterial, LineSegments, BufferGeometry,
  Float32BufferAttribute, Mesh, MeshStandardMaterial, PCFShadowMap, PerspectiveCamera,
  PlaneGeometry, Quaternion, Scene, SphereGeometry, Vector3, WebGLRenderer, CircleGeometry,
  MeshBasicMaterial,
} from "three";
export { OrbitControls } from "three/addons/controls/OrbitControls.js";
