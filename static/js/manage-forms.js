// Progressive enhancement of the providers' and employers' forms; every form works without it.
// - after a refused save or upload, focus moves to the error summary so screen readers announce it;
// - under a skills field, the chosen occupation's usual skills become buttons that add themselves
//   to the field (typing names or synonyms keeps working, and is what the server reads).

document.getElementById("error-summary")?.focus();

const SEPARATORS = /[、,,;;|\n]+/;
const namesByOccupation = JSON.parse(document.getElementById("skill-names")?.textContent || "{}");

for (const box of document.querySelectorAll(".skill-picks")) {
  const input = document.getElementById(box.dataset.skillsFor);
  const occupation = document.getElementById(box.dataset.occupation);
  if (!input || !occupation) continue;

  const typed = () => input.value.split(SEPARATORS).map((s) => s.trim()).filter(Boolean);
  const render = () => {
    const names = namesByOccupation[occupation.value] || [];
    box.hidden = names.length === 0;
    const chosen = new Set(typed());
    const heading = Object.assign(document.createElement("p"), {
      className: "hint",
      textContent: box.dataset.title || "本工种常见技能,点一下加入:",
    });
    const buttons = names.map((name) => {
      const button = Object.assign(document.createElement("button"), {
        type: "button",
        className: "pick",
        textContent: name,
      });
      button.setAttribute("aria-pressed", String(chosen.has(name)));
      button.addEventListener("click", () => {
        const current = typed();
        const next = current.includes(name) ? current.filter((n) => n !== name) : [...current, name];
        input.value = next.join("、");
        render();
      });
      return button;
    });
    box.replaceChildren(heading, ...buttons);
  };
  occupation.addEventListener("change", render);
  input.addEventListener("change", render);
  render();
}
