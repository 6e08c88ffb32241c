// The grid board of course_lib's pointing explorers (an anywidget front end).
//
// It draws the grids Python sends (one table each: a colour, a text and CSS classes per cell),
// puts the highlight classes Python asks for on cells, shows Python's caption, and tells Python
// which cell the pointer is over or has clicked. It computes nothing: which window an output cell
// reads, the sum behind it and which outputs read an input cell are all worked out in Python
// (course_lib.widgets.board), so the board stays a view and the maths stays testable.

const CSS = `
.cl-board { font-family: sans-serif; font-size: 13px; }
.cl-board-row { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
.cl-board-title { margin-bottom: 2px; }
.cl-board table { border-collapse: collapse; touch-action: none; cursor: crosshair; }
.cl-board td { width: var(--cell); height: var(--cell); min-width: var(--cell);
  max-width: var(--cell); padding: 0; text-align: center; font: 12px monospace;
  border: 1px solid #bbb; box-sizing: border-box; overflow: hidden; white-space: nowrap; }
.cl-board table.cl-board-fine td { border: none; font-size: 0; }
.cl-board td.cl-pad { color: #777; font-style: italic; border-style: dashed; }
.cl-board td.cl-pad-fill { background: #d6dee8 !important; color: #555 !important; }
.cl-board td.cl-skipped { background: repeating-linear-gradient(45deg, #fde0e0, #fde0e0 4px,
  #f7b6b6 4px, #f7b6b6 8px) !important; color: #7a1f1f !important; }
.cl-board td.hl-window { outline: 3px solid #e07b00; outline-offset: -3px; }
.cl-board td.hl-current { outline: 3px solid #e07b00; outline-offset: -3px; font-weight: bold; }
.cl-board td.hl-argmax { outline: 3px solid #c8102e; outline-offset: -3px; font-weight: bold; }
.cl-board td.hl-source { outline: 3px solid #1f5fbf; outline-offset: -3px; font-weight: bold; }
.cl-board td.hl-reader { outline: 3px solid #1f5fbf; outline-offset: -3px; }
.cl-board td.hl-future { color: transparent !important; background: #fafafa !important; }
.cl-board-caption { margin-top: 6px; min-height: 1.4em; line-height: 1.5; }
`;

function render({ model, el }) {
  el.classList.add("cl-board");
  const style = document.createElement("style");
  style.textContent = CSS;
  const row = document.createElement("div");
  row.className = "cl-board-row";
  const caption = document.createElement("div");
  el.append(style, row, caption);

  let cells = {};       // grid name -> rows of <td>
  let lit = [];         // [td, classes] carrying highlight classes now
  let last = "";        // the cell last reported on hover, "grid:row:col"
  let seq = 0;          // pointer events sent, so Python can say which one it answered

  function report(kind, td) {
    const table = td.closest("table");
    const grid = table.dataset.grid;
    const r = Number(td.dataset.row), c = Number(td.dataset.col);
    const key = `${grid}:${r}:${c}`;
    if (kind === "hover" && key === last) return;
    last = key;
    seq += 1;
    el.dataset.sent = String(seq);
    model.set("pointer", { grid: grid, row: r, col: c, kind: kind, seq: seq });
    model.save_changes();
  }

  function drawGrids() {
    row.replaceChildren();
    cells = {};
    lit = [];
    for (const g of model.get("grids")) {
      const box = document.createElement("div");
      box.className = "cl-board-grid";
      const title = document.createElement("div");
      title.className = "cl-board-title";
      title.innerHTML = g.title;
      const table = document.createElement("table");
      table.dataset.grid = g.name;
      table.className = g.table_class || "";
      table.style.setProperty("--cell", `${g.cell}px`);
      const tds = [];
      for (let r = 0; r < g.rows; r++) {
        const tr = table.insertRow();
        const line = [];
        for (let c = 0; c < g.cols; c++) {
          const k = r * g.cols + c;
          const td = tr.insertCell();
          td.dataset.row = r;
          td.dataset.col = c;
          td.className = g.classes[k];
          td.style.background = g.fill[k];
          td.style.color = g.ink[k];
          td.textContent = g.text[k];
          line.push(td);
        }
        tds.push(line);
      }
      cells[g.name] = tds;
      table.addEventListener("pointermove", (ev) => {
        const td = ev.target.closest("td");
        if (td) report("hover", td);
      });
      table.addEventListener("click", (ev) => {
        const td = ev.target.closest("td");
        if (td) report("click", td);
      });
      box.append(title, table);
      if (g.legend) {
        const legend = document.createElement("div");
        legend.innerHTML = g.legend;
        box.append(legend);
      }
      row.append(box);
    }
    drawHighlights();
  }

  function drawHighlights() {
    for (const [td, cls] of lit) td.classList.remove(...cls);
    lit = [];
    for (const h of model.get("highlights")) {
      const tds = cells[h.grid];
      if (!tds) continue;
      const cls = h.cls.split(" ").filter((s) => s);
      for (const [r, c] of h.cells) {
        const td = tds[r] && tds[r][c];
        if (!td) continue;
        td.classList.add(...cls);
        lit.push([td, cls]);
      }
    }
    caption.className = `cl-board-caption ${model.get("caption_class")}`;
    caption.innerHTML = model.get("caption");
    el.dataset.answered = String(model.get("answered"));
  }

  drawGrids();
  model.on("change:grids", drawGrids);
  model.on("change:highlights", drawHighlights);
  model.on("change:caption", drawHighlights);
  model.on("change:answered", drawHighlights);
  return () => {
    model.off("change:grids", drawGrids);
    model.off("change:highlights", drawHighlights);
    model.off("change:caption", drawHighlights);
    model.off("change:answered", drawHighlights);
  };
}

export default { render };
