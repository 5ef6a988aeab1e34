//! The files nginx packages install under the prefix, embedded: used when a
//! tree includes one it does not carry (`include mime.types;`,
//! `include snippets/fastcgi-php.conf;`), so that a directive inside them
//! counts, and so that a file every nginx has is not reported missing.

/// OpenResty's nginx prefix: its packages and image install nginx's stock
/// files (`mime.types`, `fastcgi_params`) there.
pub const OPENRESTY_PREFIX: &str = "/usr/local/openresty/nginx/conf";

/// A stock file: its path under the prefix, where it comes from, its text.
#[derive(Debug, PartialEq, Eq)]
pub struct StockFile {
    pub name: &'static str,
    pub origin: &'static str,
    pub text: &'static str,
}

macro_rules! stock {
    ($($name:literal from $origin:literal at $path:literal;)*) => {
        pub static STOCK: &[StockFile] = &[$(StockFile {
            name: $name,
            origin: $origin,
            text: include_str!($path),
        }),*];
    };
}

stock! {
    "mime.types" from "nginx 1.22.1" at "stock/nginx-1.22.1/mime.types";
    "fastcgi_params" from "nginx 1.22.1" at "stock/nginx-1.22.1/fastcgi_params";
    "fastcgi.conf" from "nginx 1.22.1" at "stock/nginx-1.22.1/fastcgi.conf";
    "scgi_params" from "nginx 1.22.1" at "stock/nginx-1.22.1/scgi_params";
    "uwsgi_params" from "nginx 1.22.1" at "stock/nginx-1.22.1/uwsgi_params";
    "koi-utf" from "nginx 1.22.1" at "stock/nginx-1.22.1/koi-utf";
    "koi-win" from "nginx 1.22.1" at "stock/nginx-1.22.1/koi-win";
    "win-utf" from "nginx 1.22.1" at "stock/nginx-1.22.1/win-utf";
    "proxy_params" from "Debian 12" at "stock/debian-12/proxy_params";
    "snippets/fastcgi-php.conf" from "Debian 12" at "stock/debian-12/snippets/fastcgi-php.conf";
    "snippets/snakeoil.conf" from "Debian 12" at "stock/debian-12/snippets/snakeoil.conf";
}

/// The nginx.conf an image or package of each flavor ships.
static MAIN_CONFIGS: &[(crate::nginx::flavor::Flavor, StockFile)] = {
    use crate::nginx::flavor::Flavor;
    &[
        (
            Flavor::Official,
            StockFile {
                name: "nginx.conf",
                origin: "official image",
                text: include_str!("stock/main/official.conf"),
            },
        ),
        (
            Flavor::Debian,
            StockFile {
                name: "nginx.conf",
                origin: "Debian 12",
                text: include_str!("stock/main/debian-12.conf"),
            },
        ),
        (
            Flavor::Alpine,
            StockFile {
                name: "nginx.conf",
                origin: "Alpine",
                text: include_str!("stock/main/alpine.conf"),
            },
        ),
        (
            Flavor::OpenResty,
            StockFile {
                name: "nginx.conf",
                origin: "OpenResty image",
                text: include_str!("stock/main/openresty.conf"),
            },
        ),
    ]
};

/// The main configuration of a flavor's image or package.
pub fn main_config(flavor: crate::nginx::flavor::Flavor) -> Option<&'static StockFile> {
    MAIN_CONFIGS
        .iter()
        .find(|(f, _)| *f == flavor)
        .map(|(_, file)| file)
}

/// The stock file at `relative` (a path under the nginx prefix).
pub fn find(relative: &std::path::Path) -> Option<&'static StockFile> {
    let text = relative.to_str()?.replace('\\', "/");
    STOCK.iter().find(|f| f.name == text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn stock_files_are_found_by_their_path_under_the_prefix() {
        assert!(find(Path::new("mime.types")).is_some_and(|f| f.text.contains("text/html")));
        assert!(find(Path::new("snippets/fastcgi-php.conf"))
            .is_some_and(|f| f.text.contains("try_files")));
        assert!(find(Path::new("sites-enabled/default")).is_none());
    }
}
