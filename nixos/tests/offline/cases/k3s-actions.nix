# A k3s server with guarded actions: actiond gets its own identity and root-only kubeconfig.
{
  services.k3s.enable = true;
  services.hypervisor-tui = {
    enable = true;
    actions.enable = true;
    kubernetes.tokenLifetime = 1800;
  };
}
