#!/bin/sh
# Vendors the web assets that the service serves itself (GraphiQL at /graphql, the explorer at
# /explorer) from the npm registry, at the versions pinned below, with each package's licence.
# Run it as `make vendor` after changing a version; commit what it writes under app/static/vendor.
set -eu

# package@version, then the files the pages load (paths inside the package); a package with no
# files is there for its licence: @dagrejs/dagre is bundled into cytoscape-dagre's file.
PACKAGES='
react@18.2.0 umd/react.production.min.js
react-dom@18.2.0 umd/react-dom.production.min.js
graphiql@3.8.3 graphiql.min.js graphiql.min.css
cytoscape@3.35.0 dist/cytoscape.min.js
cytoscape-dagre@4.0.1 dist/cytoscape-dagre.min.js
@dagrejs/dagre@3.1.3
'

here=$(cd "$(dirname "$0")" && pwd)
dest="$here/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$dest"
mkdir -p "$dest"
echo "$PACKAGES" | while read -r spec files; do
    [ -n "$spec" ] || continue
    name=${spec%@*}
    version=${spec##*@}
    (cd "$work" && npm pack --silent "$spec" >/dev/null)
    tarball=$(ls "$work"/*.tgz)
    mkdir -p "$work/unpacked"
    tar -xzf "$tarball" -C "$work/unpacked"
    target="$dest/${name##*/}"
    mkdir -p "$target"
    cp "$work"/unpacked/package/LICENSE* "$target/"
    for file in $files; do
        cp "$work/unpacked/package/$file" "$target/"
    done
    echo "$name $version" >"$target/VERSION"
    rm -rf "$work/unpacked" "$tarball"
done
echo "vendored into $dest:"
cat "$dest"/*/VERSION
