# A k3s server: the console's read-only identity and its token service, by default.
{
  services.k3s.enable = true;
  services.hypervisor-tui.enable = true;
}
