// The agent as a Windows service (AnnexaAgent, LocalSystem, automatic start) that runs the `run` loop.
#pragma once

namespace annexa::agent {

// Ends the run loop from the service's stop control (agent/platform_windows.cpp).
void requestServiceStop();

}  // namespace annexa::agent
