#!/usr/bin/env bash
# Install the system packages the app needs when they are missing (Debian/Ubuntu):
# WeasyPrint's libraries and a font with every Vietnamese glyph for PDF reports, GNU gettext for
# the translation catalogs, LibreOffice Writer (headless) to check the DOCX reports convert, Redis
# (the shared page cache of several app servers; the tests start one on a free port), and (with
# --browser) Chromium for the end-to-end tests.
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
    libreoffice-writer-nogui fonts-liberation redis-server)
if [ "${1:-}" = "--browser" ]; then
    packages+=(chromium)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "Missing system packages: ${missing[*]} (install them with your package manager)" >&2
    exit 1
fi
sudo=()
[ "$(id -u)" = "0" ] || sudo=(sudo)
echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null \
    || { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; }
