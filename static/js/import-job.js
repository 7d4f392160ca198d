// Live progress of an unfinished import on /manage/imports/<id>/; the page works without it
// (its "刷新进度" link reloads it). Polls /api/v1/imports/<id>/ every few seconds and updates the
// bar and the counts; when the job finishes it reloads once, so the page shows the result.

const POLL_MS = 2000;
const section = document.getElementById("import-progress");
const bar = document.getElementById("job-progress");
const counts = document.getElementById("job-counts");
const status = document.getElementById("job-status");
const announcer = document.getElementById("job-announcer");

function describe(job) {
  if (job.status === "pending") return "排队等待处理…";
  if (job.stage === "checking") return `已检查 ${job.rows_done} / ${job.rows_total} 行`;
  if (job.stage === "writing") return `正在写入 ${job.rows_total} 行…`;
  return `正在读取文件,已读 ${job.rows_done} 行`;
}

async function poll() {
  try {
    const response = await fetch(`/api/v1/imports/${section.dataset.job}/`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const job = await response.json();
      status.textContent = job.status_label;
      if (job.rows_total) {
        bar.max = job.rows_total;
        bar.value = job.rows_done;
      }
      if (!["pending", "running"].includes(job.status)) {
        announcer.textContent = job.status_label;
        window.location.reload();
        return;
      }
      // Text in the page's language once the server has rendered it; the script's own text otherwise.
      if (document.documentElement.lang.startsWith("zh")) counts.textContent = describe(job);
    }
  } catch {
    // offline for a moment: try again at the next tick
  }
  setTimeout(poll, POLL_MS);
}

if (section) setTimeout(poll, POLL_MS);
