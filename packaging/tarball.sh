#!/bin/sh
# Packs the one-folder bundle dist/neuron-lab with its launcher and install script into
# dist/neuron-lab-VERSION-linux-x86_64.tar.gz (one folder, neuron-lab/, when unpacked).
set -eu
version=$1
cd "$(dirname "$0")/.."
cp resources/neuron-lab.desktop dist/neuron-lab/neuron-lab.desktop
cp packaging/install.sh dist/neuron-lab/install.sh
chmod +x dist/neuron-lab/install.sh
tarball=dist/neuron-lab-$version-linux-$(uname -m).tar.gz
tar -C dist --owner=0 --group=0 -czf "$tarball" neuron-lab
echo "$tarball: $(du -h "$tarball" | cut -f1); dist/neuron-lab: $(du -sh dist/neuron-lab | cut -f1)"
