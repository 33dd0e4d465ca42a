// The quiz page (/quiz): marks the chosen answers, shows the score and each explanation.
// Everything it needs is in the page; it asks the server for nothing.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const check = document.getElementById("check");
  const retry = document.getElementById("retry");
  const score = document.getElementById("score");
  const questions = Array.from(document.querySelectorAll("#questions > li.question"));
  if (!check) return;

  function optionText(question, letter) {
    const input = question.querySelector(`input[value="${letter}"]`);
    return input ? input.parentElement.textContent.trim() : letter;
  }

  check.addEventListener("click", () => {
    let right = 0;
    for (const question of questions) {
      const key = question.dataset.key;
      const chosen = question.querySelector("input:checked");
      const verdict = question.querySelector(".verdict");
      const ok = chosen !== null && chosen.value === key;
      if (ok) right += 1;
      question.classList.toggle("right", ok);
      question.classList.toggle("wrong", !ok);
      verdict.textContent = ok
        ? "Right."
        : (chosen ? "Wrong" : "Not answered") + ": the answer is " + optionText(question, key) + ".";
      verdict.hidden = false;
      question.querySelector(".explanation").hidden = false;
      for (const input of question.querySelectorAll("input")) input.disabled = true;
    }
    score.textContent = `Score: ${right} / ${questions.length}`;
    score.hidden = false;
    check.hidden = true;
    retry.hidden = false;
  });

  retry.addEventListener("click", () => {
    for (const question of questions) {
      question.classList.remove("right", "wrong");
      question.querySelector(".verdict").hidden = true;
      question.querySelector(".explanation").hidden = true;
      for (const input of question.querySelectorAll("input")) {
        input.disabled = false;
        input.checked = false;
      }
    }
    score.hidden = true;
    check.hidden = false;
    retry.hidden = true;
  });
});
