/**
 * The generator and discriminator as DL4J {@code ComputationGraph}s: one {@code ModelBuilder} per architecture
 * (DCGAN, ResNet), the parts they share, the custom layers and vertices, the multiply-adds of a built graph's layers
 * ({@code NetworkMacs}), and {@code GanShape}, what both networks agree on with the data. It imports only config.
 */
package dev.gan.model;
