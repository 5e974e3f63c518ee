/**
 * Labelled image datasets with sensitive attributes, held on the host: the {@link
 * io.flnas.djl.data.Split} (images, labels, group columns) whose {@link io.flnas.djl.data.Images}
 * are 8-bit in an {@link io.flnas.djl.data.ImageStore} ({@link io.flnas.djl.data.CompactImages},
 * normalized per batch where they are used) or a host's normalized floats ({@link
 * io.flnas.djl.data.FloatImages}); the ISIC 2019 loader ({@link io.flnas.djl.data.Isic2019}) with
 * its CSV reading, balanced subset, parallel decoding and memory-mapped decoded-image cache; the
 * memory estimate checked before a load ({@link io.flnas.djl.data.DataFootprint}); the seeded
 * {@link io.flnas.djl.data.SyntheticLesions} generator; and the paper's sex and age attributes
 * ({@link io.flnas.djl.data.PaperAttributes}).
 */
package io.flnas.djl.data;
