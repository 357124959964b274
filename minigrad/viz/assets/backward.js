// Step through the backward pass written by minigrad.viz.save_backward_html.
// The steps are JSON in #steps-data; the drawing is Graphviz SVG, whose <title> elements
// name each node ("o3") and edge ("t4->o3").
(function () {
  "use strict";
  const steps = JSON.parse(document.getElementById("steps-data").textContent).steps;
  const panel = document.getElementById("panel");
  const slider = document.getElementById("slider");
  const playButton = document.getElementById("play");
  const nodes = {};
  const edges = {};
  for (const g of document.querySelectorAll("#graph g.node, #graph g.edge")) {
    const title = g.querySelector("title");
    if (!title) continue;
    const name = title.textContent.replace("\u2192", "->");
    const table = g.classList.contains("node") ? nodes : edges;
    (table[name] = table[name] || []).push(g);
  }
  let current = 0;
  let timer = null;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function tensorBox(facts, role) {
    const box = el("div", "tensor");
    box.dataset.role = role;
    if (!facts) {
      box.textContent = "none";
      return box;
    }
    box.appendChild(el("span", "meta", facts.shape + " " + facts.dtype + "  "));
    if (facts.bad) {
      box.classList.add("bad");
      box.appendChild(el("span", "flag", "has " + facts.bad + "  "));
    }
    if (facts.values !== undefined) {
      box.appendChild(el("span", "values", facts.values));
    } else if (facts.stats) {
      const s = facts.stats;
      box.appendChild(el("span", "stats", "min " + s.min + "  mean " + s.mean +
                         "  max " + s.max + "  norm " + s.norm));
    }
    return box;
  }

  function render(step) {
    panel.replaceChildren();
    panel.appendChild(el("h2", "title", "Step " + step.number + ": " + step.title));
    if (step.scope) panel.appendChild(el("div", "scope", "in " + step.scope));
    if (step.attrs) panel.appendChild(el("div", "attrs", step.attrs));
    panel.appendChild(el("h3", "", "Gradient rule"));
    panel.appendChild(el("div", "rule", step.rule || "(no docstring)"));
    for (const input of step.inputs) {
      const which = input.count > 1 ? " (output " + input.output + ")" : "";
      panel.appendChild(el("h3", "", "Gradient that arrived" + which));
      for (let i = 0; i < input.from.length; i++) {
        panel.appendChild(el("div", "from", "from " + input.from[i].label + ":"));
        panel.appendChild(tensorBox(input.from[i].grad, "arrival-" + input.output + "-" + i));
      }
      if (input.from.length > 1) {
        panel.appendChild(el("div", "note", input.from.length +
                             " gradients arrived here and were added up:"));
      }
      if (input.hooked) panel.appendChild(el("div", "note", "a hook changed it to:"));
      if (input.from.length > 1 || input.hooked || input.received === null) {
        panel.appendChild(tensorBox(input.received, "in-" + input.output));
      } else {
        panel.lastChild.dataset.role += " in-" + input.output;
      }
    }
    if (step.leaf_grad) {
      panel.appendChild(el("h3", "", ".grad after backward"));
      panel.appendChild(tensorBox(step.leaf_grad, "leaf-grad"));
    }
    if (step.outputs.length) panel.appendChild(el("h3", "", "Gradients sent on"));
    step.outputs.forEach(function (out, i) {
      if (out.grad === null) {
        panel.appendChild(el("div", "from", "d/d" + out.input + ": none (" + out.to + ")"));
        return;
      }
      panel.appendChild(el("div", "from", "d/d" + out.input + " to " + out.to + ":"));
      panel.appendChild(tensorBox(out.grad, "out-" + i));
    });
  }

  function mark(table, names, cls) {
    for (const name of names) for (const g of table[name] || []) g.classList.add(cls);
  }

  function centre(g) {
    const area = document.getElementById("graph");
    const box = g.getBoundingClientRect();
    const view = area.getBoundingClientRect();
    area.scrollTop += box.top + box.height / 2 - (view.top + view.height / 2);
    area.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
  }

  function show(index) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    for (const g of document.querySelectorAll("#graph .current, #graph .done, " +
                                              "#graph .active, #graph .crossed")) {
      g.classList.remove("current", "done", "active", "crossed");
    }
    const step = steps[current];
    mark(nodes, steps.slice(0, current).map((s) => s.node), "done");
    mark(nodes, [step.node], "current");
    mark(edges, [].concat(...steps.slice(0, current).map((s) => s.edges)), "crossed");
    mark(edges, step.edges, "active");
    for (const g of nodes[step.node] || []) centre(g);
    render(step);
    document.getElementById("step-number").textContent = step.number;
    slider.value = current + 1;
    document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = current === steps.length - 1;
  }

  function play() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
      playButton.textContent = "\u25B6 Play";
      return;
    }
    if (current === steps.length - 1) show(0);
    playButton.textContent = "\u275A\u275A Pause";
    timer = setInterval(function () {
      if (current === steps.length - 1) play();
      else show(current + 1);
    }, 1000);
  }

  document.getElementById("prev").addEventListener("click", () => show(current - 1));
  document.getElementById("next").addEventListener("click", () => show(current + 1));
  playButton.addEventListener("click", play);
  slider.addEventListener("input", () => show(Number(slider.value) - 1));
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") show(current + 1);
    else if (event.key === "ArrowLeft") show(current - 1);
    else if (event.key === "Home") show(0);
    else if (event.key === "End") show(steps.length - 1);
    else if (event.key === " ") play();
    else return;
    event.preventDefault();
  });
  slider.max = steps.length;
  document.getElementById("step-total").textContent = steps.length;
  const svg = document.querySelector("#graph svg");
  const area = document.getElementById("graph");
  const natural = svg ? svg.viewBox.baseVal.width * 4 / 3 : 0;  // Graphviz sizes are in pt
  let zoom = 1;

  function setZoom(value) {
    if (!svg) return;
    zoom = Math.max(0.2, Math.min(4, value));
    svg.removeAttribute("height");
    svg.setAttribute("width", Math.round(natural * zoom));
  }
  function fit() {
    return Math.min(1, (area.clientWidth - 16) / natural);
  }
  document.getElementById("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
  document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
  document.getElementById("zoom-fit").addEventListener("click", () => setZoom(fit()));
  document.addEventListener("keydown", function (event) {
    if (event.key === "+" || event.key === "=") setZoom(zoom * 1.25);
    else if (event.key === "-") setZoom(zoom / 1.25);
    else if (event.key === "0") setZoom(fit());
  });
  setZoom(Math.max(0.85, fit()));  // below that the labels get hard to read: scroll instead
  show(0);
})();
