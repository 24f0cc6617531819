# libFuzzer target for the embedded broker's core: scripts of several clients' bytes interleaved
# with connects, closes, full sockets and time. The fuzz tree builds only codec and rules, so the
# sans-I/O core's sources are compiled into the fuzzer itself (they need codec and, for the
# password hashes of auth.cc, wolfCrypt).
set(_broker ${PROJECT_SOURCE_DIR}/engine/broker)
mqb_add_fuzzer(broker_fuzz broker_fuzz.cc CORPUS corpus/broker
               LIBS mqb_codec PkgConfig::WOLFSSL)
target_sources(broker_fuzz PRIVATE
  ${_broker}/message.cc ${_broker}/subscription_trie.cc ${_broker}/auth.cc
  ${_broker}/passwd.cc ${PROJECT_SOURCE_DIR}/engine/password_hash.cc
  ${_broker}/broker_core.cc ${_broker}/broker_connect.cc ${_broker}/broker_publish.cc
  ${_broker}/broker_route.cc ${_broker}/broker_subscribe.cc ${_broker}/broker_events.cc)
target_include_directories(broker_fuzz PRIVATE ${PROJECT_SOURCE_DIR})
