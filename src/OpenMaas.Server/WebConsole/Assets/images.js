// An image model's prompt box: submits the prompt as an async task (ModelScope's async mode, through the console's
// session), polls the task until it SUCCEEDs or FAILs, and shows the picture from its owner-only signed link.
"use strict";
(function () {
  var form = document.getElementById("image-form");
  if (!form) return;
  var status = document.getElementById("img-status");
  var run = document.getElementById("img-run");
  var figure = document.getElementById("img-figure");
  var image = document.getElementById("img-output");
  var link = document.getElementById("img-link");
  var csrf = form.querySelector("input[name=__csrf]").value;

  function say(template, a, b) { status.textContent = form.getAttribute(template).replace("{0}", a).replace("{1}", b === undefined ? "" : b); }
  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  async function problem(response) {
    var body = await response.json().catch(function () { return {}; });
    return response.status + " · " + (body.detail || response.statusText);
  }

  async function poll(taskId) {
    // ModelScope's sample polls every 5 s; a person watching gets a shorter interval, growing to 5 s.
    for (var delay = 500; ; delay = Math.min(delay * 2, 5000)) {
      var response = await fetch("/console/tasks/" + encodeURIComponent(taskId), { headers: { "X-ModelScope-Task-Type": "image_generation" } });
      if (!response.ok) { status.textContent = await problem(response); return; }
      var task = await response.json();
      if (task.task_status === "SUCCEED") {
        image.src = task.output_images[0];
        link.href = task.output_images[0];
        figure.classList.remove("hidden");
        say("data-status", taskId, task.task_status);
        return;
      }
      if (task.task_status === "FAILED") { say("data-failed", taskId, task.errors ? task.errors.message : ""); return; }
      say("data-status", taskId, task.task_status);
      await wait(delay);
    }
  }

  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    run.disabled = true;
    figure.classList.add("hidden");
    image.removeAttribute("src");
    try {
      var response = await fetch("/console/images", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({
          model: form.getAttribute("data-model"),
          prompt: document.getElementById("img-prompt").value,
          size: document.getElementById("img-size").value
        })
      });
      if (!response.ok) { status.textContent = await problem(response); return; }
      var submitted = await response.json();
      form.setAttribute("data-task", submitted.task_id);
      say("data-submitted", submitted.task_id);
      await poll(submitted.task_id);
    } catch (err) {
      status.textContent = String(err);
    } finally {
      run.disabled = false;
    }
  });
})();
