// Progressive enhancement of the search form; every page works without it.
// - filters and sort submit as soon as they change (no "apply" tap needed);
// - the filter panel starts open on wide screens;
// - the search box suggests titles, occupations and skills from /api/v1/search/suggest/;
// - after a refused search, focus moves to the error summary so screen readers announce it.

const form = document.getElementById("search-form");
if (form) {
  const filters = document.getElementById("filters");
  if (filters && window.matchMedia("(min-width: 52rem)").matches) filters.open = true;
  form.addEventListener("change", (event) => {
    const field = event.target;
    const instant = field.matches("select, input[type=checkbox], input[type=radio]");
    if (instant && field.name !== "q") form.requestSubmit();
  });
  const sortButton = form.querySelector(".sort button");
  if (sortButton) sortButton.hidden = true;
  document.getElementById("error-summary")?.focus();
}

const box = document.getElementById("q");
const list = document.getElementById("q-suggestions");
if (box && list) {
  let timer = 0;
  let pending = null;
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = box.value.trim();
      pending?.abort();
      if (!text) return list.replaceChildren();
      pending = new AbortController();
      try {
        const url = `/api/v1/search/suggest/?q=${encodeURIComponent(text)}`;
        const response = await fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const { suggestions } = await response.json();
        list.replaceChildren(...suggestions.map((s) => Object.assign(document.createElement("option"), { value: s.text })));
      } catch {
        // aborted by the next keystroke, or offline: the plain search still works
      }
    }, 150);
  });
}
