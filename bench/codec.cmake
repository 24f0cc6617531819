# MQTT codec micro-benchmarks: PUBLISH decode/encode (3.1.1, 5.0; 16 B..1 KiB) and a mixed stream.
mqb_add_benchmark(codec_bench SOURCES codec_bench.cc LIBS mqb_codec)
