//! F4 Machines. The libvirt and KubeVirt guests fill this body; until then it says what will be here.

use super::{body_block, source_line};
use crate::event::SourceId;
use crate::model::Model;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = vec![
        source_line(model, SourceId::Libvirt, theme),
        source_line(model, SourceId::Kubernetes, theme),
        source_line(model, SourceId::Kubevirt, theme),
        Line::from(""),
        Line::styled(
            " Every guest will show here, libvirt domains and KubeVirt VMs in one table:",
            theme.dim(),
        ),
        Line::styled(
            " state, vCPUs, memory, CPU %, uptime, node, IPs, migrations; sort and filter.",
            theme.dim(),
        ),
    ];
    let p = Paragraph::new(lines).wrap(Wrap { trim: false }).block(body_block("Machines", theme));
    frame.render_widget(p, area);
}
