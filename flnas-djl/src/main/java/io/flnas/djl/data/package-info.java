/**
 * Labelled image datasets with sensitive attributes, held on the host: the {@link
 * io.flnas.djl.data.Split} (pixels, labels, group columns), the ISIC 2019 loader ({@link
 * io.flnas.djl.data.Isic2019}) with its CSV reading, balanced subset and image decoding, the seeded
 * {@link io.flnas.djl.data.SyntheticLesions} generator, and the paper's sex and age attributes
 * ({@link io.flnas.djl.data.PaperAttributes}).
 */
package io.flnas.djl.data;
