//! The floating-point types a simulation can run in.

use std::fmt::{Debug, Display};

/// A floating-point number of the project: `f32` (twice the throughput) or `f64` (the
/// reference precision). Sealed: only these two implement it. It is only a number; what the
/// engines compile for each type is [`Precision`](crate::Precision).
pub trait Real:
    num_traits::Float + Copy + Send + Sync + Debug + Display + Default + private::Sealed + 'static
{
    /// Converts from `f64`, rounding to nearest for `f32`.
    fn of(x: f64) -> Self;
    /// Widens to `f64` (exact for both types).
    fn as_f64(self) -> f64;
    /// Short name of the type, `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// The smallest value of this type greater than `self` (`x > t` is `x >= t.above()`).
    #[doc(hidden)]
    fn above(self) -> Self;
}

/// The two implementations differ only in the type: one macro writes both.
macro_rules! real_impl {
    ($t:ty, $name:literal) => {
        impl Real for $t {
            #[inline(always)]
            fn of(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn as_f64(self) -> f64 {
                self as f64
            }
            const NAME: &'static str = $name;
            #[inline]
            fn above(self) -> Self {
                // `next_up` by hand (the std method needs Rust 1.86; the MSRV is 1.85).
                if self.is_nan() || self == <$t>::INFINITY {
                    self
                } else if self == 0.0 {
                    <$t>::from_bits(1)
                } else if self > 0.0 {
                    <$t>::from_bits(self.to_bits() + 1)
                } else {
                    <$t>::from_bits(self.to_bits() - 1)
                }
            }
        }
    };
}

real_impl!(f32, "f32");
real_impl!(f64, "f64");

mod private {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

#[cfg(test)]
mod tests {
    use super::Real;

    #[test]
    fn above_is_the_next_representable_value() {
        for x in [
            -1e30f64,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            1.0,
            15.0,
            1e300,
        ] {
            let up = x.above();
            assert!(up > x, "{x}");
            assert_eq!(up, x.next_up());
        }
        for x in [-1e30f32, -2.5, -0.0, 0.0, 1.0, -50.0, 3e38] {
            let up = x.above();
            assert!(up > x, "{x}");
            assert_eq!(up, x.next_up());
        }
        assert_eq!(f64::MAX.above(), f64::INFINITY);
        assert_eq!(f32::INFINITY.above(), f32::INFINITY);
    }
}
