# libFuzzer target for the MQTT codec: framer + decoder + re-encode/re-decode consistency.
mqb_add_fuzzer(codec_fuzz codec_fuzz.cc CORPUS corpus/codec LIBS mqb_codec)
