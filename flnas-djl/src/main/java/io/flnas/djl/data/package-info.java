/**
 * Image data with sensitive attributes: the ISIC 2019 loader ({@link io.flnas.djl.data.Isic2019},
 * the paper's balanced subset and split, decoded once) and the embedded synthetic lesions ({@link
 * io.flnas.djl.data.SyntheticLesions}), both as an {@link io.flnas.djl.data.ImageDataset} of three
 * {@link io.flnas.djl.data.Split}s. Bad input fails with a {@link io.flnas.djl.data.DataException}
 * naming the file, row and field.
 */
package io.flnas.djl.data;
