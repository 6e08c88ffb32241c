// The browser side of course_lib.widgets.prefetch: pictures the kernel drew ahead of time.
//
// The kernel sends, for the explorer's current setting ("base"), the changes its update() makes
// to the widgets at each neighbouring setting ("frames"). When the controls move to a frame's
// setting and the picture on screen is still the base, the frame's changes are applied to the
// widget models at once, in the same task as the key press, and the kernel is told so; it then
// brings its own widgets to that setting without sending the pictures again. This file computes
// nothing: it only picks, by the controls' values, a picture Python drew.

function same(a, b) {
  if (typeof a === "number" && typeof b === "number") {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  }
  return a === b;
}

function sameKey(a, b) {
  return !!a && !!b && a.length === b.length && a.every((x, i) => same(x, b[i]));
}

function withBuffers(state, buffers) {
  const out = {};
  for (const [k, v] of Object.entries(state)) {
    out[k] = v && typeof v === "object" && "$buffer" in v ? buffers[v.$buffer] : v;
  }
  return out;
}

// Pictures are decoded when a frame arrives, not when it is shown: an image's bytes become an
// object URL that an off-screen <img> decodes (and keeps decoded); the frame then points the
// Image model at that URL, and puts the model's own state back without a redraw.
async function decoded(url, keep) {
  const im = new Image();
  im.src = url;
  keep.push(im);
  try { await im.decode(); } catch (e) { /* a broken picture shows as the kernel's would */ }
}

async function predecode(m, state, keep, urls) {
  if (m.get("_model_name") === "ImageModel" && state.value && m.get("format") !== "url") {
    const format = state.format || m.get("format");
    const url = URL.createObjectURL(new Blob([state.value], { type: `image/${format}` }));
    urls.push(url);
    await decoded(url, keep);
    const shown = new DataView(new TextEncoder().encode(url).buffer);
    return [{ ...state, format: "url", value: shown }, { format, value: state.value }];
  }
  if (typeof state.value === "string" && state.value.includes("data:image/")) {
    const srcs = state.value.match(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+/g) || [];
    await Promise.all(srcs.map((src) => decoded(src, keep)));
  }
  return [state, null];
}

async function initialize({ model }) {
  const manager = model.widget_manager;
  let controls = [];          // [model, trait] of each control, in the kernel's order
  let id = 0;                 // the set of frames being received
  let base = null;            // the setting the frames start from
  let shown = null;           // the setting on screen, when it is known to be `base`
  let frames = [];            // {key, changes: [[model, state, real]]}, ready to apply
  let keep = [], urls = [];   // decoded pictures of the current frames, and their URLs

  const values = () => controls.map(([c, trait]) => c.get(trait));

  function onChange(changed) {
    if (changed && changed._state_lock) {  // the kernel moved it: its picture is on the way
      shown = null;
      return;
    }
    const key = values();
    const frame = shown && sameKey(shown, base) ? frames.find((f) => sameKey(f.key, key)) : null;
    shown = null;             // until the kernel says again what is on screen
    if (!frame) return;
    for (const [m, state, real] of frame.changes) {
      m.set(state);
      if (real) m.set(real, { silent: true });  // the model holds the kernel's bytes again
    }
    model.send({ applied: id, key: frame.key });
    frames = [];
  }

  async function bind() {
    for (const [c, trait] of controls) c.off(`change:${trait}`, onChange);
    controls = await Promise.all(model.get("controls").map(
      async ([id, trait]) => [await manager.get_model(id), trait]));
    for (const [c, trait] of controls) c.on(`change:${trait}`, onChange);
  }

  async function prepare(msg, buffers) {
    const changes = [];
    for (const [modelId, raw] of Object.entries(msg.state)) {
      const m = await manager.get_model(modelId);
      const state = withBuffers(raw, buffers);
      const decode = m.constructor._deserialize_state;
      const ready = decode ? await decode.call(m.constructor, state, manager) : state;
      changes.push([m, ...(await predecode(m, ready, keep, urls))]);
    }
    return { key: msg.key, changes };
  }

  model.on("change:controls", bind);
  model.on("msg:custom", async (msg, buffers) => {
    if ("reset" in msg) {
      id = msg.reset;
      base = msg.base;
      frames = [];
      for (const url of urls) URL.revokeObjectURL(url);  // shown pictures stay on screen
      keep = [];
      urls = [];
      shown = base && sameKey(values(), base) ? base : null;
    } else if ("frame" in msg) {
      const frame = await prepare(msg, buffers || []);
      if (msg.frame === id) frames.push(frame);
    }
  });
  await bind();
}

export default { initialize };
