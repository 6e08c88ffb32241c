// The drawing pad of lesson 08 (an anywidget front end).
//
// A 32x32 bitmap, drawn large, that the learner paints with the mouse (or a finger or a pen);
// faint lines mark the 8x8 blocks of 4x4 pixels that the dataset counts. The bitmap is sent to
// Python as a string of 1024 '0'/'1' characters, row by row, while the learner draws; Python
// reduces it to the dataset's 8x8 form and runs the network. "Clear" empties the pad.

const SIDE = 32;

function render({ model, el }) {
  const px = model.get("pixel");
  const wrap = document.createElement("div");
  wrap.className = "cl-pad";
  wrap.style.cssText = "display:inline-flex;flex-direction:column;gap:4px;font:13px sans-serif";
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIDE * px;
  canvas.style.cssText = "border:1px solid #888;touch-action:none;cursor:crosshair;background:#fff";
  const clear = document.createElement("button");
  clear.textContent = "Clear";
  clear.className = "cl-pad-clear jupyter-button";
  clear.style.width = "80px";
  wrap.append(canvas, clear);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  let bits = new Uint8Array(SIDE * SIDE);
  let drawing = false;

  function fromModel() {
    const s = model.get("bitmap");
    bits = new Uint8Array(SIDE * SIDE);
    for (let k = 0; k < bits.length && k < s.length; k++) bits[k] = s.charCodeAt(k) === 49 ? 1 : 0;
    paint();
  }

  function paint() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#111";
    for (let r = 0; r < SIDE; r++)
      for (let c = 0; c < SIDE; c++) if (bits[r * SIDE + c]) ctx.fillRect(c * px, r * px, px, px);
    ctx.strokeStyle = "rgba(40, 110, 200, 0.35)";  // the dataset's 4x4 blocks
    ctx.lineWidth = 1;
    for (let k = 4; k < SIDE; k += 4) {
      ctx.beginPath();
      ctx.moveTo(k * px + 0.5, 0);
      ctx.lineTo(k * px + 0.5, canvas.height);
      ctx.moveTo(0, k * px + 0.5);
      ctx.lineTo(canvas.width, k * px + 0.5);
      ctx.stroke();
    }
  }

  function send() {
    let s = "";
    for (const b of bits) s += b ? "1" : "0";
    model.set("bitmap", s);
    model.save_changes();
  }

  function ink(ev) {
    const rect = canvas.getBoundingClientRect();
    const x = ((ev.clientX - rect.left) / rect.width) * SIDE;
    const y = ((ev.clientY - rect.top) / rect.height) * SIDE;
    const radius = model.get("brush");
    let changed = false;
    for (let r = Math.floor(y - radius); r <= Math.ceil(y + radius); r++)
      for (let c = Math.floor(x - radius); c <= Math.ceil(x + radius); c++) {
        if (r < 0 || c < 0 || r >= SIDE || c >= SIDE) continue;
        const dy = r + 0.5 - y, dx = c + 0.5 - x;
        if (dx * dx + dy * dy <= radius * radius && !bits[r * SIDE + c]) {
          bits[r * SIDE + c] = 1;
          changed = true;
        }
      }
    if (changed) {
      paint();
      send();
    }
  }

  canvas.addEventListener("pointerdown", (ev) => {
    drawing = true;
    canvas.setPointerCapture(ev.pointerId);
    ink(ev);
  });
  canvas.addEventListener("pointermove", (ev) => { if (drawing) ink(ev); });
  const stop = () => { drawing = false; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  clear.addEventListener("click", () => {
    bits = new Uint8Array(SIDE * SIDE);
    paint();
    send();
  });
  model.on("change:bitmap", fromModel);
  fromModel();
  return () => model.off("change:bitmap", fromModel);
}

export default { render };
