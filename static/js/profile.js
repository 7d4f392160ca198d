// Progressive enhancement of the profile wizard; every step works without it.
// - province → city → county selects refill from /api/v1/divisions/ (no round trip, 选择 hidden);
// - skill, certificate and occupation boxes suggest from the reference API, which matches names,
//   synonyms, full pinyin and initials (月嫂 / yuesao / ys): an ARIA combobox, keyboard usable;
// - only the filled rows and one empty row show, with a button for another;
// - after a refused step, focus moves to the error summary so screen readers announce it.

const json = async (url, signal) => {
  const response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
};

const english = document.documentElement.lang.startsWith("en");
const option = (value, text) => Object.assign(document.createElement("option"), { value, textContent: text });

function enhancePicker(fieldset) {
  const selects = [...fieldset.querySelectorAll("select")];
  fieldset.querySelectorAll(".js-hide").forEach((button) => { button.hidden = true; });
  const refill = async (index) => {
    const parent = selects[index].value;
    for (const later of selects.slice(index + 1)) {
      later.replaceChildren(later.options[0]);
      later.closest(".picker-level").hidden = false;
    }
    const next = selects[index + 1];
    if (!next || !parent) return;
    const { results } = await json(`/api/v1/divisions/?parent=${parent}&page_size=100`);
    next.append(...results.map((d) => option(d.code, d.name)));
    // A city without counties (东莞市) is itself the place: no empty county list.
    if (!results.length) next.closest(".picker-level").hidden = true;
  };
  selects.forEach((select, index) => select.addEventListener("change", () => refill(index).catch(() => {})));
  const city = selects[1];
  if (city.value && selects[2].options.length <= 1) selects[2].closest(".picker-level").hidden = true;
}

let comboboxes = 0;
function enhanceSuggest(input) {
  const api = input.dataset.suggest;
  const id = `suggest-${++comboboxes}`;
  const list = Object.assign(document.createElement("ul"), { id, className: "suggestions-list", hidden: true });
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", english ? "Suggestions" : "可选项");
  input.after(list);
  Object.entries({ role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id })
    .forEach(([name, value]) => input.setAttribute(name, value));
  let active = -1;
  let pending = null;
  let timer = 0;
  const items = () => [...list.children];
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (item) => {
    input.value = item.dataset.value;
    close();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const highlight = (index) => {
    const all = items();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  };
  const show = (entries) => {
    list.replaceChildren(...entries.map((entry, i) => {
      const item = document.createElement("li");
      Object.assign(item, { id: `${id}-${i}`, textContent: entry.name });
      item.dataset.value = entry.name;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const aliases = (entry.aliases || []).filter((a) => a !== entry.name).slice(0, 3);
      if (aliases.length) item.append(Object.assign(document.createElement("small"), { textContent: aliases.join("、") }));
      item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
      return item;
    }));
    list.hidden = !entries.length;
    input.setAttribute("aria-expanded", String(entries.length > 0));
    active = -1;
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      pending?.abort();
      if (!text) return close();
      pending = new AbortController();
      try {
        const { results } = await json(`${api}?q=${encodeURIComponent(text)}&page_size=8`, pending.signal);
        show(results.slice(0, 8));
      } catch {
        // aborted by the next keystroke, or offline: the server still matches what was typed
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(items()[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
}

function enhanceRows(fieldset) {
  const rows = [...fieldset.querySelectorAll("[data-row]")];
  const filled = (row) => [...row.querySelectorAll("input, select")].some((f) => f.value && f.type !== "hidden")
    || row.querySelector(".field-error");
  const lastFilled = rows.findLastIndex(filled);
  rows.forEach((row, index) => { row.hidden = index > Math.max(lastFilled + 1, 0); });
  if (rows.every((row) => !row.hidden)) return;
  const more = Object.assign(document.createElement("button"), {
    type: "button", className: "secondary add-row", textContent: english ? "Add another" : "再加一项",
  });
  more.addEventListener("click", () => {
    const next = rows.find((row) => row.hidden);
    if (!next) return;
    next.hidden = false;
    next.querySelector("input, select")?.focus();
    if (!rows.some((row) => row.hidden)) more.remove();
  });
  fieldset.append(more);
}

document.querySelectorAll("[data-picker]").forEach(enhancePicker);
document.querySelectorAll("input[data-suggest]").forEach(enhanceSuggest);
document.querySelectorAll("[data-rows]").forEach(enhanceRows);
document.getElementById("error-summary")?.focus();
