//! Where each part of the screen goes for a terminal size; used by `update` (page
//! sizes, wrap width) and by drawing, so both agree.

/// A rectangle in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

/// The screen's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Smaller than 40×12.
    TooSmall,
    Main {
        /// Absent when the reader has the whole screen.
        list: Option<Area>,
        reader: Area,
        /// The filter bar, when typing a query or showing its error.
        bar: Option<Area>,
        /// The labeling panel (two or three lines above the status line), in a session.
        label: Option<Area>,
        status: Area,
    },
}

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Splits `width`×`height`: list beside the reader from 120 columns, above it below.
/// Panels have a one-cell border; `Area`s here are the outer boxes.
/// `status_h` is the status line's height (a long message takes more than one).
pub fn compute(
    width: u16,
    height: u16,
    fullscreen: bool,
    bar: bool,
    label_h: u16,
    status_h: u16,
) -> Layout {
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Layout::TooSmall;
    }
    let label = label_h > 0;
    // A long message never takes the room the panes need.
    let status_h = status_h
        .min(height.saturating_sub(u16::from(bar) + label_h + 6))
        .clamp(1, 4);
    let status = Area {
        x: 0,
        y: height - status_h,
        width,
        height: status_h,
    };
    let bar_area = bar.then_some(Area {
        x: 0,
        y: height - 1 - status_h - label_h,
        width,
        height: 1,
    });
    let label_area = label.then_some(Area {
        x: 0,
        y: height - status_h - label_h,
        width,
        height: label_h,
    });
    let body_h = height - status_h - u16::from(bar) - label_h;
    let body = Area {
        x: 0,
        y: 0,
        width,
        height: body_h,
    };
    if fullscreen {
        return Layout::Main {
            list: None,
            reader: body,
            bar: bar_area,
            label: label_area,
            status,
        };
    }
    let (list, reader) = if width >= 120 {
        let lw = (width * 2 / 5).max(40);
        (
            Area { width: lw, ..body },
            Area {
                x: lw,
                width: width - lw,
                ..body
            },
        )
    } else {
        let lh = (body_h * 2 / 5).max(5).min(body_h - 4);
        (
            Area { height: lh, ..body },
            Area {
                y: lh,
                height: body_h - lh,
                ..body
            },
        )
    };
    Layout::Main {
        list: Some(list),
        reader,
        bar: bar_area,
        label: label_area,
        status,
    }
}

impl Area {
    /// Inside a one-cell border.
    pub fn inner(&self) -> Area {
        Area {
            x: self.x + 1,
            y: self.y + 1,
            width: self.width.saturating_sub(2),
            height: self.height.saturating_sub(2),
        }
    }
}
