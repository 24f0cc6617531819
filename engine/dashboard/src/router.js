// Hash routes (#/connectors, #/rules/forward, ...): the console is one page served from "/", so
// links work without the server knowing the routes, and the back button works.
import { useEffect, useState } from 'preact/hooks';

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

// The current route as path segments: "#/rules/forward" gives ["rules", "forward"].
export function useRoute() {
  const parse = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
