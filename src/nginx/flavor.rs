//! The stock layouts nginx comes in (the official image, Debian's and
//! Alpine's packages, OpenResty): which one decides what a stock
//! nginx.conf includes.

/// How a stock nginx.conf is laid out, which decides what it includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flavor {
    /// The official image and nginx.org packages: `conf.d/*.conf` in http.
    Official,
    /// Debian and Ubuntu packages: `conf.d/*.conf` and `sites-enabled/*`.
    Debian,
    /// Alpine's package: `http.d/*.conf`.
    Alpine,
    /// OpenResty's image: `/usr/local/openresty/nginx/conf/nginx.conf`,
    /// including `/etc/nginx/conf.d/*.conf`.
    OpenResty,
}

impl Flavor {
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Official => "the official nginx image",
            Flavor::Debian => "Debian's nginx package",
            Flavor::Alpine => "Alpine's nginx package",
            Flavor::OpenResty => "the OpenResty image",
        }
    }

    /// From an image reference (`nginx:1.25-alpine`, `openresty/openresty`).
    pub fn of_image(image: &str) -> Option<Flavor> {
        let name = image.rsplit('/').next().unwrap_or(image);
        let repository = image.split(':').next().unwrap_or(image);
        if repository.contains("openresty") {
            Some(Flavor::OpenResty)
        } else if name.starts_with("nginx:")
            || name == "nginx"
            || name.starts_with("nginx@")
            || repository.ends_with("nginx-unprivileged")
        {
            Some(Flavor::Official)
        } else {
            None
        }
    }
}

impl Flavor {
    /// The flavor a stock layout betrays when the image does not say
    /// (a base image built elsewhere): `sites-enabled/` is Debian's,
    /// `http.d/` Alpine's, `templates/` the official image's.
    pub fn of_layout<'a>(server_paths: impl IntoIterator<Item = &'a str>) -> Option<Flavor> {
        let mut found = None;
        for path in server_paths {
            let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            let flavor = match dir {
                "/etc/nginx/sites-enabled" | "/etc/nginx/sites-available" => Flavor::Debian,
                "/etc/nginx/http.d" => Flavor::Alpine,
                "/etc/nginx/templates" => Flavor::Official,
                _ => continue,
            };
            match found {
                None => found = Some(flavor),
                Some(other) if other != flavor => return None,
                Some(_) => {}
            }
        }
        found
    }
}
