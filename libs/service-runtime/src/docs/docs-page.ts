import { createHash } from 'node:crypto';

/**
 * A self-contained reference page: it fetches /docs/openapi.json and lists each operation. No CDN
 * and no external assets, since deployments may have no internet access.
 */

const STYLE = `
body { font: 14px/1.5 system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
section { border: 1px solid #ddd; border-radius: 4px; margin: .5rem 0; padding: .4rem .8rem; }
.method { display: inline-block; min-width: 4.5rem; font: bold 13px monospace; }
.get { color: #08733f; } .post { color: #0b5cad; } .patch { color: #9a5b00; } .delete { color: #b3261e; }
small { display: block; color: #555; }
pre { background: #f6f6f6; padding: .5rem; overflow: auto; }
`;

const SCRIPT = `
const el = (tag, className, ...children) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
};
const nameOf = (schema) => !schema ? '' : schema.$ref ? schema.$ref.split('/').pop()
  : schema.oneOf ? schema.oneOf.map(nameOf).join(' | ')
  : schema.type === 'array' ? nameOf(schema.items) + '[]' : schema.type || 'object';
const contentOf = (part) => Object.values((part && part.content) || {}).map((media) => nameOf(media.schema)).join(', ');
const securityOf = (operation) => !(operation.security || []).length ? 'none' : operation.security
  .map((requirement) => Object.entries(requirement).map(([scheme, scopes]) => scopes.length ? scheme + ' (' + scopes.join(', ') + ')' : scheme).join(' + '))
  .join(' or ');
const main = document.querySelector('main');
fetch('/docs/openapi.json').then((response) => response.json()).then((doc) => {
  document.title = doc.info.title;
  main.replaceChildren(el('h1', '', doc.info.title + ' v' + doc.info.version), el('p', '', doc.info.description));
  for (const tag of doc.tags) {
    main.append(el('h2', '', tag.name), el('p', '', tag.description));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!operation.tags.includes(tag.name)) continue;
        const parameters = (operation.parameters || []).map((parameter) => parameter.name + (parameter.in === 'query' ? '?' : '')).join(', ');
        const responses = Object.entries(operation.responses).map(([status, response]) => (status + ' ' + contentOf(response)).trim());
        main.append(el('section', '',
          el('div', '', el('span', 'method ' + method, method.toUpperCase()), el('code', '', path), ' ', operation.summary),
          el('small', '', 'security: ' + securityOf(operation) + (parameters ? ' · parameters: ' + parameters : '')),
          operation.requestBody ? el('small', '', 'body: ' + contentOf(operation.requestBody)) : '',
          el('small', '', 'responses: ' + responses.join(' · '))));
      }
    }
  }
  main.append(el('h2', '', 'Schemas'));
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    main.append(el('details', '', el('summary', '', name), el('pre', '', JSON.stringify(schema, null, 2))));
  }
}).catch((error) => { main.textContent = 'Could not load /docs/openapi.json: ' + error; });
`;

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API reference</title>
<style>${STYLE}</style>
</head>
<body>
<main>Loading <a href="/docs/openapi.json">/docs/openapi.json</a>…</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only this page's own inline style and script run, and it may fetch only from this origin. */
export const DOCS_PAGE_POLICY = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; connect-src 'self'; base-uri 'none'; form-action 'none'`;
