# Cluster membership and the shared configuration in etcd (through its HTTP/JSON gateway with
# cpp-httplib, already linked by engine/api).
target_sources(mqb_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/etcd_client.cc
                                  ${CMAKE_CURRENT_LIST_DIR}/cluster.cc)
