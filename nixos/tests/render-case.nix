# The host the rendered files describe: the README's quick start with SSH on.
{
  services.openssh.enable = true;
  services.hypervisor-tui = {
    enable = true;
    ssh.enable = true;
  };
}
