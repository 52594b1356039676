/**
 * Runs `run` once, when `element` first comes within `margin` pixels of the viewport: a panel far
 * down the page computes only when the reader gets near it, so its worker does not compete with
 * the panels in view at load. Without IntersectionObserver it runs at once.
 */
export function onFirstSight(element: Element, run: () => void, margin = 300): void {
  if (typeof IntersectionObserver === 'undefined') {
    run();
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      run();
    },
    { rootMargin: `${margin}px 0px` },
  );
  observer.observe(element);
}
