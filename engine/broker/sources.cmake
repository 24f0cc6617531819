# The embedded MQTT broker (engine/broker): sans-I/O core, auth, and the io-reactor binding.
target_sources(mqb_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/message.cc
  ${CMAKE_CURRENT_LIST_DIR}/subscription_trie.cc
  ${CMAKE_CURRENT_LIST_DIR}/passwd.cc
  ${CMAKE_CURRENT_LIST_DIR}/auth.cc
  ${CMAKE_CURRENT_LIST_DIR}/broker_core.cc
  ${CMAKE_CURRENT_LIST_DIR}/broker_connect.cc
  ${CMAKE_CURRENT_LIST_DIR}/broker_publish.cc
  ${CMAKE_CURRENT_LIST_DIR}/broker_route.cc
  ${CMAKE_CURRENT_LIST_DIR}/broker_subscribe.cc
  ${CMAKE_CURRENT_LIST_DIR}/broker_events.cc
  ${CMAKE_CURRENT_LIST_DIR}/broker.cc
)
target_link_libraries(mqb_engine PUBLIC mqb_codec mqb_io)
