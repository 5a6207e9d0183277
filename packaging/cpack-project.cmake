# Read by cpack once per generator: the RPM is the agent's alone (RHEL-family hosts run agents, not collectors).
if(CPACK_GENERATOR STREQUAL "RPM")
  set(CPACK_COMPONENTS_ALL agent)
endif()
