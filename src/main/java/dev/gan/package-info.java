/**
 * gan, a command-line GAN trainer on Deeplearning4j. The root holds only what every package may use: {@link
 * dev.gan.UserException} (bad input, one line, exit 2), {@link dev.gan.Sha256}, memory reporting and {@code Main},
 * whose one line hands over to {@code cli}. Data flows one way: cli -> experiment -> train -> the rest -> config.
 */
package dev.gan;
