// Hash functions. Expected digests: EMQX SQL function reference (md5/sha/sha256 of 'hello' and
// 'some val') and the published test vectors of each algorithm ("abc").
#include "tests/rules/functions/test_context.h"

namespace mqb::rules::testing {
namespace {

TEST(HashFns, ReferenceExamples) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("md5", {S("hello")}), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_STR(ctx.Call("sha", {S("hello")}), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
  EXPECT_STR(ctx.Call("sha256", {S("hello")}),
             "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_STR(ctx.Call("md5", {S("some val")}), "1b68352b3e9c2de52ffd322e30bffcc4");
  EXPECT_STR(ctx.Call("sha", {S("some val")}), "f85ba28ff5ea84a0cbfa118319acb0c5e58ee2b9");
  EXPECT_STR(ctx.Call("sha256", {S("some val")}),
             "67f97635d8a0e064f60ba6e8846a0ac0be664f18f0c1dc6445cd3542d2b71993");
  EXPECT_STR(ctx.Call("md5", {S("")}), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(HashFns, HashAlgorithms) {
  TestContext ctx;
  EXPECT_STR(ctx.Call("hash", {S("md5"), S("abc")}), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_STR(ctx.Call("hash", {S("sha"), S("abc")}), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_STR(ctx.Call("hash", {S("sha1"), S("abc")}), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_STR(ctx.Call("hash", {S("sha224"), S("abc")}),
             "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_STR(ctx.Call("hash", {S("sha256"), S("abc")}),
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_STR(ctx.Call("hash", {S("sha384"), S("abc")}),
             "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
             "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_STR(ctx.Call("hash", {S("sha512"), S("abc")}),
             "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
             "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_STR(ctx.Call("hash", {S("sha3_256"), S("abc")}),
             "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  EXPECT_STR(ctx.Call("hash", {S("blake2b"), S("abc")}),
             "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
             "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  EXPECT_STR(ctx.Call("hash", {S("blake2s"), S("abc")}),
             "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
  EXPECT_FN_ERROR(ctx.Call("hash", {S("crc32"), S("abc")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("hash", {I(5), S("abc")}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("md5", {I(1)}), kBadArgument);
  EXPECT_FN_ERROR(ctx.Call("sha256", {U()}), kBadArgument);
}

TEST(HashFns, DigestLengthsOnBinaryData) {
  // prop_hash_fun: 32, 40 and 64 hex digits for any binary.
  TestContext ctx;
  std::string bin;
  for (int i = 0; i < 1000; ++i) bin.push_back(static_cast<char>(i * 7));
  for (auto [fn, len] : {std::pair{"md5", 32}, std::pair{"sha", 40}, std::pair{"sha256", 64}}) {
    auto r = ctx.Call(fn, {ctx.S(bin)});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().size(), static_cast<uint32_t>(len));
  }
}

}  // namespace
}  // namespace mqb::rules::testing
