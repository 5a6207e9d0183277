# Install layout and packages (scripts/package): annexa-agent, annexa-collector and annexa-dashboard .debs,
# an annexa-agent .rpm. Executables are named by target only, so moving sources inside a part changes nothing here.
#
#   /usr/bin/annexa-*                        executables
#   /etc/annexa/agent.json, collector.env    conffiles (an upgrade keeps a changed file)
#   /usr/lib/systemd/system/annexa-*.service hardened units (packaging/systemd/)
#   /var/lib/annexa-agent, /var/lib/annexa   state (removed on purge only)
#   /usr/share/man, /usr/share/doc/PACKAGE   man pages (packaging/man/) and docs
set(ANNEXA_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(ANNEXA_PACKAGING_OUT ${PROJECT_BINARY_DIR}/packaging)
set(ANNEXA_UNIT_DIR /usr/lib/systemd/system)

# Debian wants man pages and changelogs compressed with gzip -9n (no name or time stamp: reproducible).
set(ANNEXA_GZIPPED)
function(annexa_gzip source name)
  set(output ${ANNEXA_PACKAGING_OUT}/${name}.gz)
  add_custom_command(OUTPUT ${output}
                     COMMAND sh -c "gzip -9n -c \"$1\" > \"$2\"" sh ${source} ${output}
                     DEPENDS ${source} VERBATIM)
  set(ANNEXA_GZIPPED ${ANNEXA_GZIPPED} ${output} PARENT_SCOPE)
endfunction()

annexa_gzip(${ANNEXA_PACKAGING_DIR}/man/annexa-agent.8 annexa-agent.8)
annexa_gzip(${ANNEXA_PACKAGING_DIR}/man/annexa-collector.8 annexa-collector.8)
annexa_gzip(${ANNEXA_PACKAGING_DIR}/man/annexa-dashboard.1 annexa-dashboard.1)
annexa_gzip(${ANNEXA_PACKAGING_DIR}/debian/changelog changelog.Debian)
add_custom_target(annexa_package_files ALL DEPENDS ${ANNEXA_GZIPPED})

# One package per component; each gets its executable, man page, copyright, changelog and docs.
function(annexa_package_basics component executable man_section)
  install(TARGETS ${executable} RUNTIME DESTINATION bin COMPONENT ${component})
  install(FILES ${ANNEXA_PACKAGING_OUT}/${executable}.${man_section}.gz
          DESTINATION share/man/man${man_section} COMPONENT ${component})
  install(FILES ${ANNEXA_PACKAGING_DIR}/debian/copyright
          DESTINATION share/doc/${executable} COMPONENT ${component})
  install(FILES ${ANNEXA_PACKAGING_OUT}/changelog.Debian.gz
          DESTINATION share/doc/${executable} COMPONENT ${component})
endfunction()

set(ANNEXA_EMPTY_DIR ${ANNEXA_PACKAGING_OUT}/empty)
file(MAKE_DIRECTORY ${ANNEXA_EMPTY_DIR})

annexa_package_basics(agent annexa-agent 8)
install(FILES ${ANNEXA_PACKAGING_DIR}/debian/annexa-agent/lintian-overrides
        DESTINATION share/lintian/overrides RENAME annexa-agent COMPONENT agent)
install(FILES ${PROJECT_SOURCE_DIR}/configs/agent.json DESTINATION /etc/annexa COMPONENT agent)
install(FILES ${ANNEXA_PACKAGING_DIR}/systemd/annexa-agent.service DESTINATION ${ANNEXA_UNIT_DIR} COMPONENT agent)
install(FILES ${PROJECT_SOURCE_DIR}/docs/deploy.md ${PROJECT_SOURCE_DIR}/docs/checks.md
        DESTINATION share/doc/annexa-agent COMPONENT agent)
install(DIRECTORY ${ANNEXA_EMPTY_DIR}/ DESTINATION /var/lib/annexa-agent COMPONENT agent
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)

annexa_package_basics(collector annexa-collector 8)
install(FILES ${ANNEXA_PACKAGING_DIR}/collector.env DESTINATION /etc/annexa COMPONENT collector)
install(FILES ${ANNEXA_PACKAGING_DIR}/systemd/annexa-collector.service DESTINATION ${ANNEXA_UNIT_DIR}
        COMPONENT collector)
install(FILES ${PROJECT_SOURCE_DIR}/docs/deploy.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/api.md ${PROJECT_SOURCE_DIR}/docs/security.md ${PROJECT_SOURCE_DIR}/docs/storage.md
              ${PROJECT_SOURCE_DIR}/docs/isms.md ${PROJECT_SOURCE_DIR}/docs/evidence-pack.md
        DESTINATION share/doc/annexa-collector COMPONENT collector)

annexa_package_basics(dashboard annexa-dashboard 1)

set(CPACK_PACKAGE_NAME annexa)
set(CPACK_PACKAGE_VENDOR "Annexa")
set(CPACK_PACKAGE_CONTACT "Annexa maintainers <maintainers@annexa.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL "https://annexa.invalid/")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL agent collector dashboard)
set(CPACK_COMPONENT_AGENT_DESCRIPTION "ISO/IEC 27001 compliance agent
The agent checks the technical controls of a host (disk encryption,
MFA, logging, patching, firewall, accounts, ...), records the evidence
it saw for each result and reports over mutual TLS to an Annexa
collector. It also audits a host or an offline tree standalone.")
set(CPACK_COMPONENT_COLLECTOR_DESCRIPTION "ISO/IEC 27001 compliance collector (HTTPS service)
The collector enrolls agents, stores every report in SQLite, maps
results to the 93 Annex A controls, computes each control's posture
across the fleet, keeps the ISMS registers and a hash-chained
evidence log, and writes signed evidence packs.")
set(CPACK_COMPONENT_DASHBOARD_DESCRIPTION "ISO/IEC 27001 compliance dashboard (desktop)
A desktop view (Dear ImGui, GLFW) of an Annexa collector's posture,
hosts, findings, trends and ISMS registers, connecting with an
operator certificate.")

# Debian: dependencies from dpkg-shlibdeps; maintainer scripts and conffiles from packaging/debian/.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_AGENT_PACKAGE_NAME annexa-agent)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_NAME annexa-collector)
set(CPACK_DEBIAN_DASHBOARD_PACKAGE_NAME annexa-dashboard)
set(CPACK_DEBIAN_DASHBOARD_PACKAGE_SECTION x11)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_DEPENDS "adduser")
foreach(component agent collector dashboard)
  string(TOUPPER ${component} upper)
  set(scripts)
  foreach(script conffiles postinst prerm postrm)
    if(EXISTS ${ANNEXA_PACKAGING_DIR}/debian/annexa-${component}/${script})
      list(APPEND scripts ${ANNEXA_PACKAGING_DIR}/debian/annexa-${component}/${script})
    endif()
  endforeach()
  set(CPACK_DEBIAN_${upper}_PACKAGE_CONTROL_EXTRA ${scripts})
endforeach()

# RPM (agent only, see packaging/cpack-project.cmake): requirements from rpm's own dependency finder.
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_LICENSE "Not yet specified (see /usr/share/doc/annexa-agent/copyright)")
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
set(CPACK_RPM_AGENT_PACKAGE_NAME annexa-agent)
set(CPACK_RPM_AGENT_PACKAGE_SUMMARY "ISO/IEC 27001 compliance agent")
set(CPACK_RPM_AGENT_USER_FILELIST "%config(noreplace) /etc/annexa/agent.json"
                                  "%dir %attr(0700,root,root) /var/lib/annexa-agent")
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /etc /usr/lib/systemd /usr/lib/systemd/system /var /var/lib
    /usr/share/man /usr/share/man/man8 /usr/share/lintian /usr/share/lintian/overrides)
set(CPACK_RPM_AGENT_POST_INSTALL_SCRIPT_FILE ${ANNEXA_PACKAGING_DIR}/rpm/post)
set(CPACK_RPM_AGENT_PRE_UNINSTALL_SCRIPT_FILE ${ANNEXA_PACKAGING_DIR}/rpm/preun)
set(CPACK_RPM_AGENT_POST_UNINSTALL_SCRIPT_FILE ${ANNEXA_PACKAGING_DIR}/rpm/postun)

set(CPACK_PROJECT_CONFIG_FILE ${ANNEXA_PACKAGING_DIR}/cpack-project.cmake)
include(CPack)
