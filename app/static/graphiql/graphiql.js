// GraphiQL for datamap: every asset comes from this service, the key goes in the Headers tab.
"use strict";

const EXAMPLE_QUERY = `# datamap's GraphQL API. Put your API key in the
# Headers tab below: {"Authorization": "Bearer <key>"}
# No key yet? \`datamap keys create --role viewer\`
# Run this with Ctrl-Enter or the ▶ button.
query FirstLook {
  about {
    version
    nodeCounts { label count }
  }
  systems(first: 5) {
    totalCount
    nodes { id key name }
  }
}
`;

const HEADERS_TEMPLATE = `{"Authorization": "Bearer <key>"}`;

const KEY_HINT =
  'No valid API key (HTTP 401): put it in the Headers tab as {"Authorization": "Bearer <key>"}; ' +
  "create one with `datamap keys create --role viewer`.";

const hint = document.getElementById("key-hint");

async function fetcher(params, options) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  Object.assign(headers, (options && options.headers) || {});
  const response = await fetch(window.location.pathname, {
    method: "POST",
    headers: headers,
    body: JSON.stringify(params),
  });
  const body = await response.json();
  hint.hidden = response.status !== 401;
  if (response.status === 401) {
    return Object.assign({ hint: KEY_HINT }, body);
  }
  return body;
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: EXAMPLE_QUERY,
    defaultHeaders: HEADERS_TEMPLATE,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
  }),
);
