// Live progress of unfinished batch runs on /staff/runs/; the page works without it (reload).
// Polls /api/v1/matching/runs/<id>/ every few seconds and updates the bar, counts and status;
// when a run finishes it reloads once, so the page shows the final figures and links.

const POLL_MS = 3000;
const announcer = document.getElementById("run-announcer");

async function poll(item) {
  const id = item.dataset.run;
  try {
    const response = await fetch(`/api/v1/matching/runs/${id}/`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const run = await response.json();
    const bar = item.querySelector("progress");
    bar.max = run.total_workers || 1;
    bar.value = run.status === "succeeded" ? bar.max : run.processed_workers;
    item.querySelector('[data-field="status_label"]').textContent = run.status_label;
    const counts = item.querySelector('[data-field="counts"]');
    counts.textContent = counts.textContent.replace(/\d+ \/ \d+/, `${run.processed_workers} / ${run.total_workers}`);
    if (!["pending", "running"].includes(run.status)) {
      if (announcer) announcer.textContent = `#${id} ${run.status_label}`;
      window.location.reload();
      return;
    }
  } catch {
    // offline for a moment: try again at the next tick
  }
  setTimeout(() => poll(item), POLL_MS);
}

for (const item of document.querySelectorAll('.run[data-status="pending"], .run[data-status="running"]')) {
  setTimeout(() => poll(item), POLL_MS);
}
