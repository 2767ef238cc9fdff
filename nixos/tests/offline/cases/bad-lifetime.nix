# EXPECT-FAIL: tokenLifetime.*is not of type `integer between 600 and 86400
{
  services.k3s.enable = true;
  services.hypervisor-tui = {
    enable = true;
    kubernetes.tokenLifetime = 60;
  };
}
