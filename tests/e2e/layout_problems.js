/* What does not fit (issue 18), for tests/e2e/conftest.py layout_problems(): see there. */
() => {
    const problems = [];
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (typeof el.className === "string" && el.className ?
            "." + el.className.trim().split(/\s+/).join(".") : "") +
        (el.closest("section[id]") ? " in #" + el.closest("section[id]").id : "");
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
        problems.push(`the page is ${root.scrollWidth - root.clientWidth} px wider than the screen`);
    }
    const boxes = "table, .table-scroll, .table-container, .grid-scroll, .chart-canvas";
    document.querySelectorAll(boxes).forEach((el) => {
        const right = el.getBoundingClientRect().right;
        if (el.scrollWidth > el.clientWidth + 1 || right > root.clientWidth + 1) {
            problems.push(`${name(el)} overflows: ${el.scrollWidth} px in ${el.clientWidth} px, ` +
                `right edge ${Math.round(right)}`);
        }
    });
    document.querySelectorAll(".chart-canvas").forEach((canvas) => {
        const svg = canvas.querySelector(".main-svg");
        if (!svg) return;
        const box = svg.getBoundingClientRect();
        canvas.querySelectorAll("svg text").forEach((text) => {
            const b = text.getBoundingClientRect();
            if (!b.width || !text.textContent.trim()) return;
            const outside = b.left < box.left - 1 || b.right > box.right + 1 ||
                b.top < box.top - 1 || b.bottom > box.bottom + 1;
            if (outside) {
                problems.push(`"${text.textContent}" is cut at the edge of ${name(canvas)}`);
            } else if (/…$/.test(text.textContent)) {
                problems.push(`"${text.textContent}" is shortened in ${name(canvas)}`);
            }
        });
    });
    return problems;
}
