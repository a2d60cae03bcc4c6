#!/bin/sh
# Puts Neuron Lab into your application menu, for you alone (no root needed):
# copies this folder to ~/.local/share/neuron-lab, adds the launcher and the icon.
#   ./install.sh               install (again: replaces the copy installed before)
#   ./install.sh --uninstall   take it all out again
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
dest=$data/neuron-lab
launcher=$data/applications/neuron-lab.desktop
icon=$data/icons/hicolor/scalable/apps/neuron-lab.svg

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$dest" "$launcher" "$icon"
    echo "Neuron Lab is uninstalled."
    exit 0
fi
mkdir -p "$data"
if [ "$here" != "$dest" ]; then
    rm -rf "$dest.new"
    cp -R "$here" "$dest.new"
    rm -rf "$dest"
    mv "$dest.new" "$dest"
fi
mkdir -p "$(dirname "$launcher")" "$(dirname "$icon")"
cp "$dest/_internal/resources/neuron-lab.svg" "$icon"
sed "s|^Exec=neuron-lab|Exec=\"$dest/neuron-lab\"|" "$dest/neuron-lab.desktop" > "$launcher"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$(dirname "$launcher")" || true
echo "Neuron Lab is in your application menu (started by $dest/neuron-lab)."
