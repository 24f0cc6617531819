// Compression functions on zlib, with Erlang zlib's formats:
//   gzip / gunzip                  gzip container (header + CRC32 trailer)
//   zip / unzip                    raw DEFLATE (no header, no checksum)
//   zip_compress / zip_uncompress  zlib container (2-byte header + Adler-32 trailer)
// Compression uses the default level. Decompression stops with an error beyond
// kMaxResultBytes of output (no decompression bombs) and on corrupt or truncated input.
#include <zlib.h>

#include "rules/functions/families.h"
#include "rules/functions/util.h"

namespace mqb::rules {
namespace {

using functions::BadType;
using functions::Failed;
using functions::FnResult;

// zlib's internal state (about 270 KiB for deflate, 40 KiB for inflate) comes from the arena
// too, so compressing touches no heap; zfree is a no-op (the arena is reset per message).
voidpf ArenaAlloc(voidpf opaque, uInt items, uInt size) {
  return static_cast<Arena*>(opaque)->Allocate(static_cast<size_t>(items) * size, 16);
}
void ArenaFree(voidpf, voidpf) {}

// A z_stream on the arena reading `in`.
z_stream ArenaStream(std::string_view in, Arena& arena) {
  z_stream z{};
  z.zalloc = ArenaAlloc;
  z.zfree = ArenaFree;
  z.opaque = &arena;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  return z;
}

constexpr int kRawDeflate = -15;
constexpr int kZlib = 15;
constexpr int kGzip = 16 + 15;

FnResult Compress(std::string_view fn, const Value& arg, int window_bits, EvalContext& ctx) {
  if (!arg.is_string()) return Err(BadType(fn, arg, "a binary"));
  std::string_view in = arg.AsString();
  z_stream z = ArenaStream(in, ctx.arena());
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Err(Failed(fn, "deflateInit failed"));
  }
  const uLong bound = deflateBound(&z, static_cast<uLong>(in.size())) + 32;
  char* out = static_cast<char*>(ctx.arena().Allocate(bound, 1));
  z.next_out = reinterpret_cast<Bytef*>(out);
  z.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&z, Z_FINISH);
  size_t produced = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Err(Failed(fn, "deflate failed"));
  return Value::StringRef(std::string_view(out, produced));
}

FnResult Decompress(std::string_view fn, const Value& arg, int window_bits, EvalContext& ctx) {
  if (!arg.is_string()) return Err(BadType(fn, arg, "a binary"));
  z_stream z = ArenaStream(arg.AsString(), ctx.arena());
  if (inflateInit2(&z, window_bits) != Z_OK) return Err(Failed(fn, "inflateInit failed"));
  std::string& out = functions::Scratch();
  int rc = Z_OK;
  char chunk[16384];
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof(chunk);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return Err(Failed(fn, rc == Z_BUF_ERROR ? "truncated input" : "data_error"));
    }
    out.append(chunk, sizeof(chunk) - z.avail_out);
    if (out.size() > functions::kMaxResultBytes) {
      inflateEnd(&z);
      return Err(Failed(fn, "decompressed data too large"));
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return Err(Failed(fn, "truncated input"));
    }
  }
  inflateEnd(&z);
  return functions::ArenaString(ctx, out);
}

FnResult Gzip(std::span<const Value> a, EvalContext& c) { return Compress("gzip", a[0], kGzip, c); }
FnResult Gunzip(std::span<const Value> a, EvalContext& c) {
  return Decompress("gunzip", a[0], kGzip, c);
}
FnResult Zip(std::span<const Value> a, EvalContext& c) {
  return Compress("zip", a[0], kRawDeflate, c);
}
FnResult Unzip(std::span<const Value> a, EvalContext& c) {
  return Decompress("unzip", a[0], kRawDeflate, c);
}
FnResult ZipCompress(std::span<const Value> a, EvalContext& c) {
  return Compress("zip_compress", a[0], kZlib, c);
}
FnResult ZipUncompress(std::span<const Value> a, EvalContext& c) {
  return Decompress("zip_uncompress", a[0], kZlib, c);
}

}  // namespace

void RegisterCompressionFunctions(FunctionRegistry& r) {
  r.Register("gzip", 1, 1, Gzip);
  r.Register("gunzip", 1, 1, Gunzip);
  r.Register("zip", 1, 1, Zip);
  r.Register("unzip", 1, 1, Unzip);
  r.Register("zip_compress", 1, 1, ZipCompress);
  r.Register("zip_uncompress", 1, 1, ZipUncompress);
}

}  // namespace mqb::rules
