# The sandbox both root helpers run in: actiond (./actions.nix) and the Kubernetes token
# service (./kubernetes.nix). No new privileges, a read-only system, no home, devices,
# kernel knobs, clock or hostname to touch, native system calls only. Each adds its
# capabilities, system-call filter, writable paths and address families.
{
  NoNewPrivileges = true;
  ProtectSystem = "strict";
  ProtectHome = true;
  PrivateTmp = true;
  PrivateDevices = true;
  ProtectKernelTunables = true;
  ProtectKernelModules = true;
  ProtectKernelLogs = true;
  ProtectControlGroups = true;
  ProtectClock = true;
  ProtectHostname = true;
  RestrictNamespaces = true;
  RestrictRealtime = true;
  RestrictSUIDSGID = true;
  LockPersonality = true;
  MemoryDenyWriteExecute = true;
  SystemCallArchitectures = "native";
}
