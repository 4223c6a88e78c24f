#!/usr/bin/env bash
# Builds the Lambda deployment directory for infra/cdk: the Native AOT gateway plus the bootstrap script.
#   functions/aws/package.sh [OUT_DIR]         x86_64 (default), output in functions/aws/.deploy, the CDK app's default asset
#   RID=linux-arm64 functions/aws/package.sh   arm64 (Graviton); deploy it with -c architecture=arm64. On an x86_64
#                                              machine this cross-links with Debian's gcc-aarch64-linux-gnu.
# See docs/deploy-aws.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/.deploy}"
RID="${RID:-linux-x64}"

EXTRA=()
case "$RID:$(uname -m)" in
  linux-x64:x86_64 | linux-arm64:aarch64) ;;
  linux-arm64:x86_64)
    if ! command -v aarch64-linux-gnu-gcc > /dev/null || ! command -v aarch64-linux-gnu-objcopy > /dev/null; then
      echo "package.sh: an arm64 build on x86_64 needs the cross toolchain:" >&2
      echo "  apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross" >&2
      exit 1
    fi
    # The AOT link step passes clang's --target=; gcc rejects it (the cross gcc already targets aarch64).
    WRAP_DIR="$(mktemp -d)"
    trap 'rm -rf "$WRAP_DIR"' EXIT
    cat > "$WRAP_DIR/aarch64-gcc" <<'WRAP'
#!/bin/sh
for a do shift; case "$a" in --target=*) ;; *) set -- "$@" "$a" ;; esac; done
exec aarch64-linux-gnu-gcc "$@"
WRAP
    chmod +x "$WRAP_DIR/aarch64-gcc"
    EXTRA=(-p:CppCompilerAndLinker="$WRAP_DIR/aarch64-gcc" -p:ObjCopyName=aarch64-linux-gnu-objcopy)
    ;;
  *) echo "package.sh: RID=$RID is not supported on $(uname -m) (use linux-x64 or linux-arm64)" >&2; exit 1 ;;
esac

rm -rf "$OUT"
dotnet publish "$HERE/Gateway.Aws.csproj" -c Release -r "$RID" -p:PublishAot=true -o "$OUT" -nologo "${EXTRA[@]}"
install -m 0755 "$HERE/bootstrap" "$OUT/bootstrap"
chmod 0755 "$OUT/bootstrap-gateway"
# Debug symbols and PDBs stay out of the package (size, and nothing reads them in Lambda).
find "$OUT" \( -name '*.dbg' -o -name '*.pdb' \) -delete

[ -x "$OUT/bootstrap-gateway" ] || { echo "package.sh: $OUT/bootstrap-gateway is missing" >&2; exit 1; }
echo "Lambda package ($RID) in $OUT: $(du -sh "$OUT" | cut -f1)"
ls -l "$OUT"
