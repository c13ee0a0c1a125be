// The model page's playground: posts the prompt as JSON (antiforgery header) and appends the streamed text.
"use strict";
(function () {
  var form = document.getElementById("playground-form");
  if (!form) return;
  var output = document.getElementById("pg-output");
  var status = document.getElementById("pg-status");
  var run = document.getElementById("pg-run");
  var stop = document.getElementById("pg-stop");
  var controller = null;

  function say(text) { status.textContent = text; }

  stop.addEventListener("click", function () { if (controller) controller.abort(); });

  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    controller = new AbortController();
    output.textContent = "";
    run.disabled = true;
    stop.disabled = false;
    say(form.getAttribute("data-running"));
    var started = performance.now();
    try {
      var response = await fetch("/console/playground", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": form.querySelector("input[name=__csrf]").value },
        body: JSON.stringify({
          model: form.getAttribute("data-model"),
          prompt: document.getElementById("pg-prompt").value,
          temperature: parseFloat(document.getElementById("pg-temperature").value),
          max_tokens: parseInt(document.getElementById("pg-max-tokens").value, 10)
        }),
        signal: controller.signal
      });
      if (!response.ok) {
        var problem = await response.json().catch(function () { return {}; });
        say(response.status + " · " + (problem.detail || response.statusText));
        return;
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var part = await reader.read();
        if (part.done) break;
        buffer += decoder.decode(part.value, { stream: true });
        var events = buffer.split("\n\n");
        buffer = events.pop();
        events.forEach(function (block) {
          if (block.indexOf("data: ") !== 0) return;
          var event = JSON.parse(block.slice(6));
          if (event.text) output.textContent += event.text;
          if (event.error) say(event.error);
          if (event.finish) {
            say(form.getAttribute("data-done")
              .replace("{0}", event.promptTokens).replace("{1}", event.completionTokens)
              .replace("{2}", Math.round(performance.now() - started)));
            output.setAttribute("data-finished", event.finish);
          }
        });
      }
    } catch (err) {
      if (err.name !== "AbortError") say(String(err));
    } finally {
      run.disabled = false;
      stop.disabled = true;
      controller = null;
    }
  });
})();
